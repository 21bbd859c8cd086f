/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * settings.h — TcEndpointSettings: everything that describes one endpoint,
 * with one key table shared by CreateEndpoint's a{sv} and the account
 * files (config.h), so that a key means the same thing in both.
 *
 * Keys (type; default):
 *   uri            s  the address of record, sip: or sips: (required)
 *   kind           s  "registered" | "peer-to-peer" ("registered")
 *   display-name   s  ("")
 *   auth-username  s  digest user name (the URI's user part)
 *   password       s  write-only; never saved in the account file
 *   registrar      s  Request-URI of REGISTER (sip:<host[:port] of uri>,
 *                     sips: for a sips: uri); refused for peer-to-peer
 *   outbound-proxy s  a SIP URI every out-of-dialog request is routed
 *                     through (loose route), or ""
 *   transport      s  "udp" | "tcp" | "tls" | "ws" | "wss" ("udp"; "tls"
 *                     for a sips: uri, which allows only tls and wss)
 *   listen         s  "host", "host:port" or "[v6]:port" to listen on
 *                     with UDP and TCP; port 0: any free port.  A
 *                     peer-to-peer endpoint always listens on its own
 *                     (default 0.0.0.0, port 5060 or a free one when
 *                     taken); a registered endpoint without it shares
 *                     the manager's stack ("")
 *   expires        u  requested registration lifetime, 60..86400 (3600)
 *   retry-interval u  base of the exponential back-off after a failed
 *                     registration, seconds, 1..3600 (30; RFC 5626 §4.5)
 *   instance-id    s  "urn:uuid:…" (+sip.instance, RFC 5626); made once
 *                     and persisted when not given
 *   extra-headers  a(ss) headers added to every request (validated as
 *                     SetAdditionalHeaders)
 *   register-headers a(ss)  extra headers on REGISTER only (e.g. a
 *                     forking-support header)
 *   allow-events   s  Allow-Events on REGISTER ("")
 *   max-message-size u  largest MESSAGE body sent or accepted (65536)
 *   inbox-size     u  incoming messages kept until acknowledged (1000)
 *   persist        b  CreateEndpoint only: save the account (FALSE)
 *
 * tc_endpoint_settings_set() checks the type and the value of one key;
 * tc_endpoint_settings_finish() checks what needs several keys and fills
 * in the defaults that depend on others.  Both fail with
 * TC_CORE_ERROR_INVALID_ARGS and a message that names the key.
 */
#pragma once

#include <glib.h>

#include "core/headers.h"

G_BEGIN_DECLS

typedef enum {
  TC_ENDPOINT_KIND_REGISTERED,
  TC_ENDPOINT_KIND_PEER_TO_PEER,
} TcEndpointKind;

const char *tc_endpoint_kind_to_string (TcEndpointKind kind);

/* Optional strings are NULL when unset (an empty value unsets them); the
 * header arrays are never NULL, and never changed in place: an empty one
 * is shared (tc_header_pairs_ref_empty), a new list replaces the array. */
typedef struct {
  char *uri;
  TcEndpointKind kind;
  char *display_name;
  char *auth_username;
  char *password;
  char *registrar;
  char *outbound_proxy;
  char *transport;
  char *listen;
  guint expires;
  guint retry_interval;
  char *instance_id;
  GArray *extra_headers;    /* of TcHeaderPair */
  GArray *register_headers; /* of TcHeaderPair */
  char *allow_events;
  guint max_message_size;
  guint inbox_size;
  /* calls and their media (NULL: the default) */
  char *codecs;               /* "opus,g722,pcmu,pcma" */
  char *audio_source;         /* "auto" */
  char *audio_sink;           /* "auto" */
  char *incoming_call_policy; /* "ring" | "auto-answer" | "busy" | "forward" */
  char *forward_to;           /* the URI of "forward" */
  guint ptime;
  guint auto_answer_delay; /* ms */
  guint rtp_timeout;       /* s */
  guint jitter_buffer;     /* ms */
  gboolean persist;
} TcEndpointSettings;

TcEndpointSettings *tc_endpoint_settings_new (void);
TcEndpointSettings *tc_endpoint_settings_copy (const TcEndpointSettings *settings);
void tc_endpoint_settings_free (TcEndpointSettings *settings);

/* Whether @key is one of the keys above. */
gboolean tc_endpoint_settings_has_key (const char *key);
/* The GVariant type of @key ("s", "u", "b", "a(ss)"), or NULL. */
const GVariantType *tc_endpoint_settings_key_type (const char *key);

/* Sets @key from @value (of the key's type). */
gboolean tc_endpoint_settings_set (TcEndpointSettings *settings, const char *key, GVariant *value, GError **error);
/* Sets @key from its account-file text: strings as they are, numbers in
 * decimal, booleans true/false, a(ss) as "Name: value" lines joined by
 * ';' (GKeyFile string list). */
gboolean tc_endpoint_settings_set_text (TcEndpointSettings *settings, const char *key, const char *text,
                                        GError **error);
/* The account-file text of @key, or NULL when it has its default (or is
 * "password" or "persist", which are never saved). */
char *tc_endpoint_settings_get_text (const TcEndpointSettings *settings, const char *key);
/* NULL-terminated list of every key, in the order above. */
const char *const *tc_endpoint_settings_keys (void);

/* Cross-key checks and derived defaults (registrar from the URI's domain,
 * auth-username from its user, a new instance-id when none). */
gboolean tc_endpoint_settings_finish (TcEndpointSettings *settings, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcEndpointSettings, tc_endpoint_settings_free)

G_END_DECLS
