/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * settings.c — TcEndpointSettings: the key table shared by CreateEndpoint's
 * a{sv} and the account files, the check of every key's type and value
 * (URIs with the SIP stack's own parser, header names against its header
 * table), the cross-key checks and derived defaults of finish(), and the
 * account-file text of each key.
 *
 * Optional strings are NULL when unset (an empty value unsets them); the
 * header arrays always exist, empty when there are none.
 */
#include "core/settings.h"
#include "core/settings-private.h"

#include <string.h>

#include "core/core-error.h"
#include "core/headers.h"
#include "media/media-params.h"
#include "sip/header.h"
#include "sip/uri.h"

typedef enum {
  KEY_URI,
  KEY_KIND,
  KEY_DISPLAY_NAME,
  KEY_AUTH_USERNAME,
  KEY_PASSWORD,
  KEY_REGISTRAR,
  KEY_OUTBOUND_PROXY,
  KEY_TRANSPORT,
  KEY_LISTEN,
  KEY_EXPIRES,
  KEY_RETRY_INTERVAL,
  KEY_INSTANCE_ID,
  KEY_EXTRA_HEADERS,
  KEY_REGISTER_HEADERS,
  KEY_ALLOW_EVENTS,
  KEY_MAX_MESSAGE_SIZE,
  KEY_INBOX_SIZE,
  KEY_CODECS,
  KEY_AUDIO_SOURCE,
  KEY_AUDIO_SINK,
  KEY_INCOMING_CALL_POLICY,
  KEY_FORWARD_TO,
  KEY_PTIME,
  KEY_AUTO_ANSWER_DELAY,
  KEY_RTP_TIMEOUT,
  KEY_JITTER_BUFFER,
  KEY_PERSIST,
  N_KEYS,
} KeyId;

/* In the order of settings.h; NULL-terminated for tc_endpoint_settings_keys(). */
static const char *const key_names[N_KEYS + 1] = {
  [KEY_URI] = "uri",
  [KEY_KIND] = "kind",
  [KEY_DISPLAY_NAME] = "display-name",
  [KEY_AUTH_USERNAME] = "auth-username",
  [KEY_PASSWORD] = "password",
  [KEY_REGISTRAR] = "registrar",
  [KEY_OUTBOUND_PROXY] = "outbound-proxy",
  [KEY_TRANSPORT] = "transport",
  [KEY_LISTEN] = "listen",
  [KEY_EXPIRES] = "expires",
  [KEY_RETRY_INTERVAL] = "retry-interval",
  [KEY_INSTANCE_ID] = "instance-id",
  [KEY_EXTRA_HEADERS] = "extra-headers",
  [KEY_REGISTER_HEADERS] = "register-headers",
  [KEY_ALLOW_EVENTS] = "allow-events",
  [KEY_MAX_MESSAGE_SIZE] = "max-message-size",
  [KEY_INBOX_SIZE] = "inbox-size",
  [KEY_CODECS] = "codecs",
  [KEY_AUDIO_SOURCE] = "audio-source",
  [KEY_AUDIO_SINK] = "audio-sink",
  [KEY_INCOMING_CALL_POLICY] = "incoming-call-policy",
  [KEY_FORWARD_TO] = "forward-to",
  [KEY_PTIME] = "ptime",
  [KEY_AUTO_ANSWER_DELAY] = "auto-answer-delay",
  [KEY_RTP_TIMEOUT] = "rtp-timeout",
  [KEY_JITTER_BUFFER] = "jitter-buffer",
  [KEY_PERSIST] = "persist",
  [N_KEYS] = NULL,
};

/* The GVariant type of each key; the text form follows from it. */
static const char *const key_types[N_KEYS] = {
  [KEY_URI] = "s",
  [KEY_KIND] = "s",
  [KEY_DISPLAY_NAME] = "s",
  [KEY_AUTH_USERNAME] = "s",
  [KEY_PASSWORD] = "s",
  [KEY_REGISTRAR] = "s",
  [KEY_OUTBOUND_PROXY] = "s",
  [KEY_TRANSPORT] = "s",
  [KEY_LISTEN] = "s",
  [KEY_EXPIRES] = "u",
  [KEY_RETRY_INTERVAL] = "u",
  [KEY_INSTANCE_ID] = "s",
  [KEY_EXTRA_HEADERS] = "a(ss)",
  [KEY_REGISTER_HEADERS] = "a(ss)",
  [KEY_ALLOW_EVENTS] = "s",
  [KEY_MAX_MESSAGE_SIZE] = "u",
  [KEY_INBOX_SIZE] = "u",
  [KEY_CODECS] = "s",
  [KEY_AUDIO_SOURCE] = "s",
  [KEY_AUDIO_SINK] = "s",
  [KEY_INCOMING_CALL_POLICY] = "s",
  [KEY_FORWARD_TO] = "s",
  [KEY_PTIME] = "u",
  [KEY_AUTO_ANSWER_DELAY] = "u",
  [KEY_RTP_TIMEOUT] = "u",
  [KEY_JITTER_BUFFER] = "u",
  [KEY_PERSIST] = "b",
};

/* The unsigned keys: their range and default. */
typedef struct {
  KeyId key;
  guint min;
  guint max;
  guint def;
} UintRange;

static const UintRange uint_ranges[] = {
  { KEY_EXPIRES, 60, 86400, 3600 },
  { KEY_RETRY_INTERVAL, 1, 3600, 30 }, /* RFC 5626 §4.5 base time */
  { KEY_MAX_MESSAGE_SIZE, 1, 1048576, 65536 },
  { KEY_INBOX_SIZE, 1, 100000, 1000 },
  { KEY_PTIME, 10, 60, 20 },               /* ms of audio per RTP packet */
  { KEY_AUTO_ANSWER_DELAY, 0, 600000, 0 }, /* ms */
  { KEY_RTP_TIMEOUT, 0, 3600, 30 },        /* s without RTP: media failure; 0 never */
  { KEY_JITTER_BUFFER, 0, 1000, 60 },      /* ms (media-notes.md §6.3) */
};

static const char *const call_policies[] = { "ring", "auto-answer", "busy", "forward", NULL };

static const char *const transports[] = { "udp", "tcp", "tls", "ws", "wss", NULL };

G_STATIC_ASSERT (G_N_ELEMENTS (key_names) == N_KEYS + 1);

static gboolean invalid (GError **error, KeyId key, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Sets TC_CORE_ERROR_INVALID_ARGS "<key>: <message>"; returns FALSE. */
static gboolean
invalid (GError **error, KeyId key, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "%s: %s", key_names[key], message);
  return FALSE;
}

static KeyId
key_lookup (const char *key)
{
  guint i;

  if (key == NULL)
    return N_KEYS;
  for (i = 0; i < N_KEYS; i++)
    if (g_str_equal (key, key_names[i]))
      return i;
  return N_KEYS;
}

static const UintRange *
uint_range (KeyId key)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (uint_ranges); i++)
    if (uint_ranges[i].key == key)
      return &uint_ranges[i];
  g_assert_not_reached ();
}

static guint *
uint_field (TcEndpointSettings *settings, KeyId key)
{
  switch (key)
    {
    case KEY_EXPIRES:
      return &settings->expires;
    case KEY_RETRY_INTERVAL:
      return &settings->retry_interval;
    case KEY_MAX_MESSAGE_SIZE:
      return &settings->max_message_size;
    case KEY_INBOX_SIZE:
      return &settings->inbox_size;
    case KEY_PTIME:
      return &settings->ptime;
    case KEY_AUTO_ANSWER_DELAY:
      return &settings->auto_answer_delay;
    case KEY_RTP_TIMEOUT:
      return &settings->rtp_timeout;
    case KEY_JITTER_BUFFER:
      return &settings->jitter_buffer;
    case KEY_URI:
    case KEY_KIND:
    case KEY_DISPLAY_NAME:
    case KEY_AUTH_USERNAME:
    case KEY_PASSWORD:
    case KEY_REGISTRAR:
    case KEY_OUTBOUND_PROXY:
    case KEY_TRANSPORT:
    case KEY_LISTEN:
    case KEY_INSTANCE_ID:
    case KEY_EXTRA_HEADERS:
    case KEY_REGISTER_HEADERS:
    case KEY_ALLOW_EVENTS:
    case KEY_CODECS:
    case KEY_AUDIO_SOURCE:
    case KEY_AUDIO_SINK:
    case KEY_INCOMING_CALL_POLICY:
    case KEY_FORWARD_TO:
    case KEY_PERSIST:
    case N_KEYS:
      break;
    }
  g_assert_not_reached ();
}

/* The plain string fields (the keys whose value is kept as given). */
static char **
string_field (TcEndpointSettings *settings, KeyId key)
{
  switch (key)
    {
    case KEY_URI:
      return &settings->uri;
    case KEY_DISPLAY_NAME:
      return &settings->display_name;
    case KEY_AUTH_USERNAME:
      return &settings->auth_username;
    case KEY_PASSWORD:
      return &settings->password;
    case KEY_REGISTRAR:
      return &settings->registrar;
    case KEY_OUTBOUND_PROXY:
      return &settings->outbound_proxy;
    case KEY_TRANSPORT:
      return &settings->transport;
    case KEY_LISTEN:
      return &settings->listen;
    case KEY_INSTANCE_ID:
      return &settings->instance_id;
    case KEY_ALLOW_EVENTS:
      return &settings->allow_events;
    case KEY_CODECS:
      return &settings->codecs;
    case KEY_AUDIO_SOURCE:
      return &settings->audio_source;
    case KEY_AUDIO_SINK:
      return &settings->audio_sink;
    case KEY_INCOMING_CALL_POLICY:
      return &settings->incoming_call_policy;
    case KEY_FORWARD_TO:
      return &settings->forward_to;
    case KEY_KIND:
    case KEY_EXPIRES:
    case KEY_RETRY_INTERVAL:
    case KEY_EXTRA_HEADERS:
    case KEY_REGISTER_HEADERS:
    case KEY_MAX_MESSAGE_SIZE:
    case KEY_INBOX_SIZE:
    case KEY_PTIME:
    case KEY_AUTO_ANSWER_DELAY:
    case KEY_RTP_TIMEOUT:
    case KEY_JITTER_BUFFER:
    case KEY_PERSIST:
    case N_KEYS:
      break;
    }
  g_assert_not_reached ();
}

const char *
tc_endpoint_kind_to_string (TcEndpointKind kind)
{
  switch (kind)
    {
    case TC_ENDPOINT_KIND_REGISTERED:
      return "registered";
    case TC_ENDPOINT_KIND_PEER_TO_PEER:
      return "peer-to-peer";
    }
  return "invalid";
}

/* Validates every pair of @array; the error names @key and the pair. */
static gboolean
validate_headers (KeyId key, const GArray *array, GError **error)
{
  guint i;

  for (i = 0; i < array->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (array, TcHeaderPair, i);
      g_autoptr (GError) local_error = NULL;

      if (!tc_header_pair_validate (pair->name, pair->value, &local_error))
        return invalid (error, key, "%s", local_error->message);
    }
  return TRUE;
}

/* ---- life cycle ---------------------------------------------------------- */

TcEndpointSettings *
tc_endpoint_settings_new (void)
{
  TcEndpointSettings *settings = g_new0 (TcEndpointSettings, 1);
  guint i;

  settings->kind = TC_ENDPOINT_KIND_REGISTERED;
  for (i = 0; i < G_N_ELEMENTS (uint_ranges); i++)
    *uint_field (settings, uint_ranges[i].key) = uint_ranges[i].def;
  settings->extra_headers = tc_header_pairs_ref_empty ();
  settings->register_headers = tc_header_pairs_ref_empty ();
  return settings;
}

TcEndpointSettings *
tc_endpoint_settings_copy (const TcEndpointSettings *settings)
{
  TcEndpointSettings *copy = g_new0 (TcEndpointSettings, 1);

  *copy = *settings;
  copy->uri = g_strdup (settings->uri);
  copy->display_name = g_strdup (settings->display_name);
  copy->auth_username = g_strdup (settings->auth_username);
  copy->password = g_strdup (settings->password);
  copy->registrar = g_strdup (settings->registrar);
  copy->outbound_proxy = g_strdup (settings->outbound_proxy);
  copy->transport = g_strdup (settings->transport);
  copy->listen = g_strdup (settings->listen);
  copy->instance_id = g_strdup (settings->instance_id);
  copy->extra_headers = tc_header_pairs_copy (settings->extra_headers);
  copy->register_headers = tc_header_pairs_copy (settings->register_headers);
  copy->allow_events = g_strdup (settings->allow_events);
  copy->codecs = g_strdup (settings->codecs);
  copy->audio_source = g_strdup (settings->audio_source);
  copy->audio_sink = g_strdup (settings->audio_sink);
  copy->incoming_call_policy = g_strdup (settings->incoming_call_policy);
  copy->forward_to = g_strdup (settings->forward_to);
  return copy;
}

static void
password_free (char *password)
{
  if (password)
    {
      explicit_bzero (password, strlen (password));
      g_free (password);
    }
}

void
tc_endpoint_settings_free (TcEndpointSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->uri);
  g_free (settings->display_name);
  g_free (settings->auth_username);
  password_free (settings->password);
  g_free (settings->registrar);
  g_free (settings->outbound_proxy);
  g_free (settings->transport);
  g_free (settings->listen);
  g_free (settings->instance_id);
  g_clear_pointer (&settings->extra_headers, g_array_unref);
  g_clear_pointer (&settings->register_headers, g_array_unref);
  g_free (settings->allow_events);
  g_free (settings->codecs);
  g_free (settings->audio_source);
  g_free (settings->audio_sink);
  g_free (settings->incoming_call_policy);
  g_free (settings->forward_to);
  g_free (settings);
}

gboolean
tc_endpoint_settings_has_key (const char *key)
{
  return key_lookup (key) != N_KEYS;
}

const GVariantType *
tc_endpoint_settings_key_type (const char *key)
{
  KeyId id = key_lookup (key);

  return id == N_KEYS ? NULL : G_VARIANT_TYPE (key_types[id]);
}

const char *const *
tc_endpoint_settings_keys (void)
{
  return key_names;
}

/* ---- value checks -------------------------------------------------------- */

/* @message without the "<what>: " the SIP stack's errors start with. */
static const char *
skip_prefix (const char *message, const char *prefix)
{
  return g_str_has_prefix (message, prefix) ? message + strlen (prefix) : message;
}

/* A sip: or sips: URI as an address of record, registrar or proxy: no
 * password in it and no headers. */
static TcSipUri *
parse_sip_uri (KeyId key, const char *text, GError **error)
{
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (text, -1, &parse_error);

  if (uri == NULL)
    return invalid (error, key, "not a sip: or sips: URI: %s (\"%s\")", skip_prefix (parse_error->message, "URI: "),
                    text),
           NULL;
  if (tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_TEL)
    return invalid (error, key, "not a sip: or sips: URI: \"%s\" is a tel: URI", text), NULL;
  if (tc_sip_uri_get_password (uri) != NULL)
    /* not echoed: error messages end up in logs */
    return invalid (error, key, "the URI contains a password (user:password@host); give it as \"password\""), NULL;
  if (tc_sip_uri_get_n_headers (uri) > 0)
    return invalid (error, key, "\"%s\" has URI headers (\"?…\"), which are not allowed here", text), NULL;
  return g_steal_pointer (&uri);
}

/* @text is only a host (name, IPv4 or IPv6 without brackets, as the SIP
 * grammar has them). */
static gboolean
is_host (const char *host, gboolean ipv6)
{
  g_autofree char *text = g_strconcat (ipv6 ? "sip:[" : "sip:", host, ipv6 ? "]" : "", NULL);
  g_autoptr (TcSipUri) uri = NULL;

  if (*host == '\0')
    return FALSE;
  uri = tc_sip_uri_parse (text, -1, NULL);
  return uri != NULL && tc_sip_uri_get_user (uri, NULL) == NULL && tc_sip_uri_get_port (uri) == 0 &&
         tc_sip_uri_get_n_params (uri) == 0 && tc_sip_uri_get_n_headers (uri) == 0 &&
         (tc_sip_uri_get_host_type (uri) == TC_SIP_HOST_IPV6) == ipv6;
}

/* "host", "host:port", "[v6]:port", "[v6]" or a bare IPv6 address. */
static gboolean
check_listen (const char *text, GError **error)
{
  g_autofree char *host = NULL;
  const char *port = NULL;
  gboolean ipv6 = FALSE;
  const char *colon;
  guint64 value;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL)
        return invalid (error, KEY_LISTEN, "\"%s\" has no \"]\" after the IPv6 address", text);
      host = g_strndup (text + 1, close - text - 1);
      ipv6 = TRUE;
      if (close[1] == ':')
        port = close + 2;
      else if (close[1] != '\0')
        return invalid (error, KEY_LISTEN, "\"%s\": expected \":port\" after \"]\"", text);
    }
  else if ((colon = strchr (text, ':')) != NULL && strchr (colon + 1, ':') != NULL)
    {
      /* several colons: a bare IPv6 address (its port needs the brackets) */
      host = g_strdup (text);
      ipv6 = TRUE;
    }
  else if (colon != NULL)
    {
      host = g_strndup (text, colon - text);
      port = colon + 1;
    }
  else
    host = g_strdup (text);

  if (!is_host (host, ipv6))
    return invalid (error, KEY_LISTEN,
                    "\"%s\" is not a host name or IP address (expected host, host:port or [v6]:port)", host);
  if (port != NULL)
    {
      if (*port == '\0' || strlen (port) > 5 || strspn (port, "0123456789") != strlen (port))
        return invalid (error, KEY_LISTEN, "\"%s\": the port \"%s\" is not a number from 0 to 65535", text, port);
      value = g_ascii_strtoull (port, NULL, 10);
      if (value > 65535)
        return invalid (error, KEY_LISTEN, "\"%s\": the port %s is out of range 0..65535", text, port);
    }
  return TRUE;
}

static gboolean
check_instance_id (const char *text, GError **error)
{
  /* RFC 5626 §4.1: +sip.instance is a URN, here urn:uuid: (RFC 4122) */
  if (g_ascii_strncasecmp (text, "urn:uuid:", 9) != 0 || !g_uuid_string_is_valid (text + 9))
    return invalid (error, KEY_INSTANCE_ID, "\"%s\" is not a urn:uuid: URN with a valid UUID", text);
  return TRUE;
}

static gboolean
check_allow_events (const char *text, GError **error)
{
  g_autoptr (GError) parse_error = NULL;

  /* RFC 6665 §8.2.2: Allow-Events = 1#event-type; the stack's check */
  if (!tc_sip_header_validate (TC_SIP_HEADER_ALLOW_EVENTS, tc_sip_str (text, strlen (text)), &parse_error))
    return invalid (error, KEY_ALLOW_EVENTS, "\"%s\" is not a list of event packages: %s", text,
                    skip_prefix (parse_error->message, "Allow-Events: "));
  return TRUE;
}

static gboolean
codec_list_valid (const char *text, GError **error)
{
  g_autoptr (GArray) list = tc_codec_list_parse (text, error);

  return list != NULL;
}

/* @check's error (the media layer's words) as this key's. */
static gboolean
check_media_value (KeyId key, gboolean (*check) (const char *, GError **), const char *text, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!check (text, &local))
    return invalid (error, key, "%s", local->message);
  return TRUE;
}

/* Checks @text, free of control characters, as the value of the string
 * key @key; "" unsets the optional ones. */
static gboolean
check_string (KeyId key, const char *text, GError **error)
{
  g_autoptr (TcSipUri) uri = NULL;
  g_autofree char *lower = NULL;

  switch (key)
    {
    case KEY_URI:
      if (*text == '\0')
        return invalid (error, key, "must not be empty");
      return (uri = parse_sip_uri (key, text, error)) != NULL;
    case KEY_KIND:
      if (!g_str_equal (text, "registered") && !g_str_equal (text, "peer-to-peer"))
        return invalid (error, key, "\"%s\" is not one of registered, peer-to-peer", text);
      return TRUE;
    case KEY_REGISTRAR:
    case KEY_OUTBOUND_PROXY:
      return *text == '\0' || (uri = parse_sip_uri (key, text, error)) != NULL;
    case KEY_TRANSPORT:
      lower = g_ascii_strdown (text, -1);
      if (!g_strv_contains (transports, lower))
        return invalid (error, key, "\"%s\" is not one of udp, tcp, tls, ws, wss", text);
      return TRUE;
    case KEY_LISTEN:
      return *text == '\0' || check_listen (text, error);
    case KEY_INSTANCE_ID:
      return *text == '\0' || check_instance_id (text, error);
    case KEY_ALLOW_EVENTS:
      return *text == '\0' || check_allow_events (text, error);
    case KEY_DISPLAY_NAME:
    case KEY_AUTH_USERNAME:
    case KEY_PASSWORD:
      return TRUE;
    case KEY_CODECS:
      return *text == '\0' || check_media_value (key, codec_list_valid, text, error);
    case KEY_AUDIO_SOURCE:
      return *text == '\0' || check_media_value (key, tc_media_check_audio_source, text, error);
    case KEY_AUDIO_SINK:
      return *text == '\0' || check_media_value (key, tc_media_check_audio_sink, text, error);
    case KEY_INCOMING_CALL_POLICY:
      if (*text != '\0' && !g_strv_contains (call_policies, text))
        return invalid (error, key, "\"%s\" is not one of ring, auto-answer, busy, forward", text);
      return TRUE;
    case KEY_FORWARD_TO:
      return *text == '\0' || (uri = parse_sip_uri (key, text, error)) != NULL;
    case KEY_EXPIRES:
    case KEY_RETRY_INTERVAL:
    case KEY_EXTRA_HEADERS:
    case KEY_REGISTER_HEADERS:
    case KEY_MAX_MESSAGE_SIZE:
    case KEY_INBOX_SIZE:
    case KEY_PTIME:
    case KEY_AUTO_ANSWER_DELAY:
    case KEY_RTP_TIMEOUT:
    case KEY_JITTER_BUFFER:
    case KEY_PERSIST:
    case N_KEYS:
      break;
    }
  g_assert_not_reached ();
}

/* Sets a string-typed key from @text (UTF-8, any length). */
static gboolean
set_string (TcEndpointSettings *settings, KeyId key, const char *text, GError **error)
{
  g_autofree char *value = NULL;
  char **field;
  guchar c;

  if (!g_utf8_validate (text, -1, NULL))
    return invalid (error, key, "not valid UTF-8");
  /* a password is the user's secret, whatever it contains; everything else
   * ends up in a SIP header line or an account file line */
  c = key == KEY_PASSWORD ? 0 : tc_text_find_control (text);
  if (c != 0)
    return invalid (error, key, "contains %s (0x%02x); CR, LF and other control characters are not allowed",
                    tc_text_control_name (c), c);
  if (!check_string (key, text, error))
    return FALSE;

  if (key == KEY_KIND)
    {
      settings->kind = g_str_equal (text, "registered") ? TC_ENDPOINT_KIND_REGISTERED : TC_ENDPOINT_KIND_PEER_TO_PEER;
      return TRUE;
    }
  if (key == KEY_TRANSPORT)
    value = g_ascii_strdown (text, -1);
  else if (*text != '\0')
    value = g_strdup (text);

  field = string_field (settings, key);
  if (key == KEY_PASSWORD)
    password_free (*field);
  else
    g_free (*field);
  *field = g_steal_pointer (&value);
  return TRUE;
}

static gboolean
set_uint (TcEndpointSettings *settings, KeyId key, guint64 value, GError **error)
{
  const UintRange *range = uint_range (key);

  if (value < range->min || value > range->max)
    return invalid (error, key, "%" G_GUINT64_FORMAT " is out of range %u..%u", value, range->min, range->max);
  *uint_field (settings, key) = value;
  return TRUE;
}

static gboolean
set_headers (TcEndpointSettings *settings, KeyId key, GArray *array, GError **error)
{
  GArray **field = key == KEY_EXTRA_HEADERS ? &settings->extra_headers : &settings->register_headers;
  guint i;

  if (!validate_headers (key, array, error))
    return FALSE;
  /* RFC 3261 §7.3.1: whitespace around a header value is not part of it */
  for (i = 0; i < array->len; i++)
    g_strstrip (g_array_index (array, TcHeaderPair, i).value);
  g_clear_pointer (field, g_array_unref);
  *field = g_array_ref (array);
  return TRUE;
}

/**
 * tc_endpoint_settings_set:
 * @key: one of tc_endpoint_settings_keys()
 * @value: a value of tc_endpoint_settings_key_type(); a floating
 *   reference is consumed
 *
 * Returns: %TRUE when set; on %TC_CORE_ERROR_INVALID_ARGS ("<key>: …")
 *   @settings are unchanged
 */
gboolean
tc_endpoint_settings_set (TcEndpointSettings *settings, const char *key, GVariant *value, GError **error)
{
  KeyId id = key_lookup (key);
  g_autoptr (GVariant) owned = NULL;

  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  owned = g_variant_ref_sink (value);

  if (id == N_KEYS)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "%s: unknown key", key ? key : "(null)");
      return FALSE;
    }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE (key_types[id])))
    return invalid (error, id, "expected type %s, got %s", key_types[id], g_variant_get_type_string (value));

  if (g_str_equal (key_types[id], "s"))
    return set_string (settings, id, g_variant_get_string (value, NULL), error);
  if (g_str_equal (key_types[id], "u"))
    return set_uint (settings, id, g_variant_get_uint32 (value), error);
  if (g_str_equal (key_types[id], "b"))
    {
      settings->persist = g_variant_get_boolean (value);
      return TRUE;
    }
  else
    {
      g_autoptr (GArray) array = tc_header_pairs_new ();
      GVariantIter iter;
      const char *name, *header_value;

      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "(&s&s)", &name, &header_value))
        {
          TcHeaderPair pair = { g_strdup (name), g_strdup (header_value) };

          g_array_append_val (array, pair);
        }
      return set_headers (settings, id, array, error);
    }
}

/* "Name: value" items of a GKeyFile string list. */
static GArray *
parse_header_list (KeyId key, const char *text, GError **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GArray) array = tc_header_pairs_new ();
  g_auto (GStrv) items = NULL;
  g_autoptr (GError) local_error = NULL;
  guint i;

  if (*text == '\0')
    return g_steal_pointer (&array);
  /* the list syntax (';' separated, "\;" escaped) is GKeyFile's own */
  g_key_file_set_value (key_file, "h", "h", text);
  items = g_key_file_get_string_list (key_file, "h", "h", NULL, &local_error);
  if (items == NULL)
    return invalid (error, key, "not a list of \"Name: value\" items: %s", local_error->message), NULL;
  for (i = 0; items[i]; i++)
    {
      char *colon = strchr (items[i], ':');
      TcHeaderPair pair;

      if (*g_strstrip (items[i]) == '\0')
        continue;
      if (colon == NULL)
        return invalid (error, key, "\"%s\" is not \"Name: value\"", items[i]), NULL;
      *colon = '\0';
      pair.name = g_strdup (g_strstrip (items[i]));
      pair.value = g_strdup (g_strstrip (colon + 1));
      g_array_append_val (array, pair);
    }
  return g_steal_pointer (&array);
}

/**
 * tc_endpoint_settings_set_text:
 * @key: one of tc_endpoint_settings_keys()
 * @text: the value as the account file has it (after GKeyFile unescaping
 *   for every type but a(ss), whose text is the raw list)
 *
 * Returns: as tc_endpoint_settings_set()
 */
gboolean
tc_endpoint_settings_set_text (TcEndpointSettings *settings, const char *key, const char *text, GError **error)
{
  KeyId id = key_lookup (key);

  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (id == N_KEYS)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "%s: unknown key", key ? key : "(null)");
      return FALSE;
    }

  if (g_str_equal (key_types[id], "s"))
    return set_string (settings, id, text, error);
  if (g_str_equal (key_types[id], "u"))
    {
      guint64 value;

      if (*text == '\0' || strspn (text, "0123456789") != strlen (text))
        return invalid (error, id, "\"%s\" is not a decimal number", text);
      if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
        value = G_MAXUINT64; /* more digits than fit: out of range all the same */
      return set_uint (settings, id, value, error);
    }
  if (g_str_equal (key_types[id], "b"))
    {
      if (g_str_equal (text, "true"))
        settings->persist = TRUE;
      else if (g_str_equal (text, "false"))
        settings->persist = FALSE;
      else
        return invalid (error, id, "\"%s\" is not true or false", text);
      return TRUE;
    }
  else
    {
      g_autoptr (GArray) array = NULL;
      guchar c = tc_text_find_control (text);

      if (c != 0)
        return invalid (error, id, "contains %s (0x%02x); CR, LF and other control characters are not allowed",
                        tc_text_control_name (c), c);
      array = parse_header_list (id, text, error);
      return array != NULL && set_headers (settings, id, array, error);
    }
}

/* ---- derived defaults (settings-defaults.c) -------------------------------- */

/**
 * tc_endpoint_settings_finish:
 *
 * Checks what needs several keys (a URI is given; no registrar for a
 * peer-to-peer endpoint; a sips: URI only over tls or wss) and fills in
 * registrar, auth-username, transport and instance-id when unset.
 * Idempotent.
 *
 * Returns: %TRUE, or %FALSE with %TC_CORE_ERROR_INVALID_ARGS ("<key>: …")
 */
gboolean
tc_endpoint_settings_finish (TcEndpointSettings *settings, GError **error)
{
  g_return_val_if_fail (settings != NULL, FALSE);

  if (settings->uri == NULL)
    return invalid (error, KEY_URI, "missing; every endpoint needs its address of record (a sip: or sips: URI)");

  if (settings->kind == TC_ENDPOINT_KIND_PEER_TO_PEER && settings->registrar != NULL)
    return invalid (error, KEY_REGISTRAR, "not allowed for a peer-to-peer endpoint, which never registers");

  if (settings->transport != NULL && tc_settings_uri_is_sips (settings->uri) &&
      !g_str_equal (settings->transport, "tls") && !g_str_equal (settings->transport, "wss"))
    return invalid (error, KEY_TRANSPORT, "%s cannot carry the sips: URI %s (use tls or wss)", settings->transport,
                    settings->uri);

  if (g_strcmp0 (settings->incoming_call_policy, "forward") == 0 && settings->forward_to == NULL)
    return invalid (error, KEY_FORWARD_TO, "missing; incoming-call-policy \"forward\" needs the URI to forward to");

  if (settings->kind == TC_ENDPOINT_KIND_REGISTERED && settings->registrar == NULL)
    settings->registrar = tc_settings_default_registrar (settings->uri);
  if (settings->auth_username == NULL)
    settings->auth_username = tc_settings_default_auth_username (settings->uri);
  if (settings->transport == NULL)
    settings->transport = g_strdup (tc_settings_default_transport (settings->uri));
  if (settings->instance_id == NULL)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      settings->instance_id = g_strconcat ("urn:uuid:", uuid, NULL);
    }
  return TRUE;
}

/* ---- account-file text --------------------------------------------------- */

static char *
header_list_text (const GArray *array)
{
  g_autoptr (GKeyFile) key_file = NULL;
  g_autoptr (GPtrArray) items = NULL;
  guint i;

  if (array == NULL || array->len == 0)
    return NULL;
  items = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < array->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (array, TcHeaderPair, i);

      g_ptr_array_add (items, g_strdup_printf ("%s: %s", pair->name, pair->value));
    }
  key_file = g_key_file_new ();
  g_key_file_set_string_list (key_file, "h", "h", (const char *const *) items->pdata, items->len);
  return g_key_file_get_value (key_file, "h", "h", NULL);
}

/* @value unless it equals @derived (a default worked out from the URI). */
static char *
unless_default (const char *value, char *derived)
{
  g_autofree char *owned = derived;

  if (value == NULL || g_strcmp0 (value, derived) == 0)
    return NULL;
  return g_strdup (value);
}

/**
 * tc_endpoint_settings_get_text:
 * @key: one of tc_endpoint_settings_keys()
 *
 * Returns: (transfer full) (nullable): the text tc_endpoint_settings_set_text()
 *   reads back to the same value, or NULL for a default (including one
 *   derived from the URI by finish()), for password and persist
 */
char *
tc_endpoint_settings_get_text (const TcEndpointSettings *settings, const char *key)
{
  KeyId id = key_lookup (key);

  g_return_val_if_fail (settings != NULL, NULL);

  switch (id)
    {
    case KEY_URI:
    case KEY_DISPLAY_NAME:
    case KEY_OUTBOUND_PROXY:
    case KEY_LISTEN:
    case KEY_INSTANCE_ID:
    case KEY_ALLOW_EVENTS:
    case KEY_CODECS:
    case KEY_AUDIO_SOURCE:
    case KEY_AUDIO_SINK:
    case KEY_INCOMING_CALL_POLICY:
    case KEY_FORWARD_TO:
      return g_strdup (*string_field ((TcEndpointSettings *) settings, id));
    case KEY_KIND:
      return settings->kind == TC_ENDPOINT_KIND_REGISTERED ? NULL
                                                           : g_strdup (tc_endpoint_kind_to_string (settings->kind));
    case KEY_AUTH_USERNAME:
      return unless_default (settings->auth_username, tc_settings_default_auth_username (settings->uri));
    case KEY_REGISTRAR:
      return unless_default (settings->registrar, tc_settings_default_registrar (settings->uri));
    case KEY_TRANSPORT:
      return unless_default (settings->transport, g_strdup (tc_settings_default_transport (settings->uri)));
    case KEY_EXPIRES:
    case KEY_RETRY_INTERVAL:
    case KEY_MAX_MESSAGE_SIZE:
    case KEY_INBOX_SIZE:
    case KEY_PTIME:
    case KEY_AUTO_ANSWER_DELAY:
    case KEY_RTP_TIMEOUT:
    case KEY_JITTER_BUFFER:
      {
        guint value = *uint_field ((TcEndpointSettings *) settings, id);

        return value == uint_range (id)->def ? NULL : g_strdup_printf ("%u", value);
      }
    case KEY_EXTRA_HEADERS:
      return header_list_text (settings->extra_headers);
    case KEY_REGISTER_HEADERS:
      return header_list_text (settings->register_headers);
    case KEY_PASSWORD:
    case KEY_PERSIST:
    case N_KEYS:
      break;
    }
  return NULL;
}
