/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-settings.c — unit tests of TcEndpointSettings: every key set from a
 * GVariant and from its account-file text, values of the wrong type, out of
 * range or outside a closed set refused with a message naming the key, CR
 * and LF refused, the headers the stack owns refused in every spelling
 * (compact forms, any case), the defaults and cross-key checks of finish(),
 * and get_text() giving back text that set_text() reads to the same value.
 */
#include <string.h>

#include "core/core-error.h"
#include "core/settings.h"

/* @value is floating: set() consumes it (ASan checks it is freed). */
static void
set_ok (TcEndpointSettings *settings, const char *key, GVariant *value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_variant_is_floating (value));
  g_assert_true (tc_endpoint_settings_set (settings, key, value, &error));
  g_assert_no_error (error);
}

static void
set_text_ok (TcEndpointSettings *settings, const char *key, const char *text)
{
  g_autoptr (GError) error = NULL;

  if (!tc_endpoint_settings_set_text (settings, key, text, &error))
    g_test_message ("%s=%s: %s", key, text, error->message);
  g_assert_no_error (error);
}

/* Setting @key to @value fails with InvalidArgs and exactly @message. */
static void
set_fails (const char *key, GVariant *value, const char *message)
{
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) owned = g_variant_ref_sink (value);

  g_assert_false (tc_endpoint_settings_set (settings, key, owned, &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_assert_cmpstr (error->message, ==, message);
}

/* Setting @key from @text fails with InvalidArgs and a message that starts
 * with @prefix. */
static void
set_text_fails (const char *key, const char *text, const char *prefix)
{
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (tc_endpoint_settings_set_text (settings, key, text, &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  if (!g_str_has_prefix (error->message, prefix))
    g_assert_cmpstr (error->message, ==, prefix);
}

static GVariant *
headers_variant (const char *const *pairs)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (; pairs[0]; pairs += 2)
    g_variant_builder_add (&builder, "(ss)", pairs[0], pairs[1]);
  return g_variant_builder_end (&builder);
}

static void
assert_header (const GArray *array, guint i, const char *name, const char *value)
{
  g_assert_cmpuint (i, <, array->len);
  g_assert_cmpstr (g_array_index (array, TcHeaderPair, i).name, ==, name);
  g_assert_cmpstr (g_array_index (array, TcHeaderPair, i).value, ==, value);
}

static void
test_keys (void)
{
  static const char *const expected[] = {
    "uri",
    "kind",
    "display-name",
    "auth-username",
    "password",
    "registrar",
    "outbound-proxy",
    "transport",
    "listen",
    "expires",
    "retry-interval",
    "instance-id",
    "extra-headers",
    "register-headers",
    "allow-events",
    "max-message-size",
    "inbox-size",
    "codecs",
    "audio-source",
    "audio-sink",
    "incoming-call-policy",
    "forward-to",
    "ptime",
    "auto-answer-delay",
    "rtp-timeout",
    "jitter-buffer",
    "persist",
    NULL,
  };
  const char *const *keys = tc_endpoint_settings_keys ();
  guint i;

  g_assert_cmpuint (g_strv_length ((char **) keys), ==, g_strv_length ((char **) expected));
  for (i = 0; expected[i]; i++)
    {
      g_assert_cmpstr (keys[i], ==, expected[i]);
      g_assert_true (tc_endpoint_settings_has_key (keys[i]));
      g_assert_nonnull (tc_endpoint_settings_key_type (keys[i]));
    }
  g_assert_false (tc_endpoint_settings_has_key ("frobnicate"));
  g_assert_false (tc_endpoint_settings_has_key ("URI"));
  g_assert_null (tc_endpoint_settings_key_type ("frobnicate"));
  g_assert_true (g_variant_type_equal (tc_endpoint_settings_key_type ("uri"), G_VARIANT_TYPE_STRING));
  g_assert_true (g_variant_type_equal (tc_endpoint_settings_key_type ("expires"), G_VARIANT_TYPE_UINT32));
  g_assert_true (g_variant_type_equal (tc_endpoint_settings_key_type ("persist"), G_VARIANT_TYPE_BOOLEAN));
  g_assert_true (g_variant_type_equal (tc_endpoint_settings_key_type ("extra-headers"), G_VARIANT_TYPE ("a(ss)")));
  g_assert_true (g_variant_type_equal (tc_endpoint_settings_key_type ("register-headers"), G_VARIANT_TYPE ("a(ss)")));
  g_assert_cmpstr (tc_endpoint_kind_to_string (TC_ENDPOINT_KIND_REGISTERED), ==, "registered");
  g_assert_cmpstr (tc_endpoint_kind_to_string (TC_ENDPOINT_KIND_PEER_TO_PEER), ==, "peer-to-peer");
}

/* The keys of calls and their media: values checked, defaults not written. */
static void
test_call_keys (void)
{
  static const struct {
    const char *key;
    const char *text;
    const char *error; /* NULL: accepted */
  } cases[] = {
    { "codecs", "pcmu, opus", NULL },
    { "codecs", "pcmu,g729", "codecs: unknown codec \"g729\"" },
    { "codecs", "pcmu,pcmu", "codecs: codec \"pcmu\" is listed twice" },
    { "audio-source", "tone:440", NULL },
    { "audio-source", "file:relative.wav",
      "audio-source: audio source \"file:relative.wav\": the file path must be absolute" },
    { "audio-source", "mic", "audio-source: audio source \"mic\": expected" },
    { "audio-sink", "none", NULL },
    { "audio-sink", "device:", "audio-sink: audio sink \"device:\": the device name is empty" },
    { "incoming-call-policy", "auto-answer", NULL },
    { "incoming-call-policy", "voicemail", "incoming-call-policy: \"voicemail\" is not one of ring" },
    { "forward-to", "sip:desk@example.org", NULL },
    { "forward-to", "mailto:x@example.org", "forward-to:" },
    { "ptime", "30", NULL },
    { "ptime", "5", "ptime: 5 is out of range 10..60" },
    { "auto-answer-delay", "1500", NULL },
    { "rtp-timeout", "0", NULL },
    { "jitter-buffer", "2000", "jitter-buffer: 2000 is out of range 0..1000" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
      g_autoptr (GError) error = NULL;
      gboolean ok = tc_endpoint_settings_set_text (settings, cases[i].key, cases[i].text, &error);

      if (!cases[i].error)
        {
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          g_assert_true (ok);
          text = tc_endpoint_settings_get_text (settings, cases[i].key);
          if (g_str_equal (cases[i].key, "codecs"))
            g_assert_cmpstr (text, ==, cases[i].text);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
          if (!g_str_has_prefix (error->message, cases[i].error))
            g_error ("%s=%s: \"%s\" does not start with \"%s\"", cases[i].key, cases[i].text, error->message,
                     cases[i].error);
        }
    }

  /* forward without a target is refused when the settings are finished */
  {
    g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
    g_autoptr (GError) error = NULL;

    g_assert_true (tc_endpoint_settings_set_text (settings, "uri", "sip:bot@example.org", NULL));
    g_assert_true (tc_endpoint_settings_set_text (settings, "incoming-call-policy", "forward", NULL));
    g_assert_false (tc_endpoint_settings_finish (settings, &error));
    g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
    g_assert_true (g_str_has_prefix (error->message, "forward-to: missing"));
  }
}

static void
test_new_defaults (void)
{
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  const char *const *keys;

  g_assert_null (settings->uri);
  g_assert_cmpint (settings->kind, ==, TC_ENDPOINT_KIND_REGISTERED);
  g_assert_cmpuint (settings->expires, ==, 3600);
  g_assert_cmpuint (settings->retry_interval, ==, 30);
  g_assert_cmpuint (settings->max_message_size, ==, 65536);
  g_assert_cmpuint (settings->inbox_size, ==, 1000);
  g_assert_false (settings->persist);
  g_assert_nonnull (settings->extra_headers);
  g_assert_cmpuint (settings->extra_headers->len, ==, 0);
  g_assert_nonnull (settings->register_headers);
  g_assert_cmpuint (settings->register_headers->len, ==, 0);
  /* nothing to save while everything has its default */
  for (keys = tc_endpoint_settings_keys (); *keys; keys++)
    {
      g_autofree char *text = tc_endpoint_settings_get_text (settings, *keys);

      g_assert_null (text);
    }
}

static void
test_set_variant_every_key (void)
{
  static const char *const extra[] = { "X-Tincan", "1", "Subject", "hello; world", NULL };
  static const char *const reg[] = { "Supported", "gruu, outbound", NULL };
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  g_autoptr (TcEndpointSettings) copy = NULL;

  set_ok (settings, "uri", g_variant_new_string ("sip:alice@example.org"));
  set_ok (settings, "kind", g_variant_new_string ("registered"));
  set_ok (settings, "display-name", g_variant_new_string ("Alice \"A\" Smith"));
  set_ok (settings, "auth-username", g_variant_new_string ("alice-auth"));
  set_ok (settings, "password", g_variant_new_string ("s3cr3t;#="));
  set_ok (settings, "registrar", g_variant_new_string ("sip:registrar.example.org:5070;transport=tcp"));
  set_ok (settings, "outbound-proxy", g_variant_new_string ("sip:proxy.example.org;lr"));
  set_ok (settings, "transport", g_variant_new_string ("tcp"));
  set_ok (settings, "listen", g_variant_new_string ("127.0.0.1:5062"));
  set_ok (settings, "expires", g_variant_new_uint32 (600));
  set_ok (settings, "retry-interval", g_variant_new_uint32 (10));
  set_ok (settings, "instance-id", g_variant_new_string ("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
  set_ok (settings, "extra-headers", headers_variant (extra));
  set_ok (settings, "register-headers", headers_variant (reg));
  set_ok (settings, "allow-events", g_variant_new_string ("presence, dialog"));
  set_ok (settings, "max-message-size", g_variant_new_uint32 (1024));
  set_ok (settings, "inbox-size", g_variant_new_uint32 (5));
  set_ok (settings, "persist", g_variant_new_boolean (TRUE));

  g_assert_cmpstr (settings->uri, ==, "sip:alice@example.org");
  g_assert_cmpint (settings->kind, ==, TC_ENDPOINT_KIND_REGISTERED);
  g_assert_cmpstr (settings->display_name, ==, "Alice \"A\" Smith");
  g_assert_cmpstr (settings->auth_username, ==, "alice-auth");
  g_assert_cmpstr (settings->password, ==, "s3cr3t;#=");
  g_assert_cmpstr (settings->registrar, ==, "sip:registrar.example.org:5070;transport=tcp");
  g_assert_cmpstr (settings->outbound_proxy, ==, "sip:proxy.example.org;lr");
  g_assert_cmpstr (settings->transport, ==, "tcp");
  g_assert_cmpstr (settings->listen, ==, "127.0.0.1:5062");
  g_assert_cmpuint (settings->expires, ==, 600);
  g_assert_cmpuint (settings->retry_interval, ==, 10);
  g_assert_cmpstr (settings->instance_id, ==, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  g_assert_cmpuint (settings->extra_headers->len, ==, 2);
  assert_header (settings->extra_headers, 0, "X-Tincan", "1");
  assert_header (settings->extra_headers, 1, "Subject", "hello; world");
  g_assert_cmpuint (settings->register_headers->len, ==, 1);
  assert_header (settings->register_headers, 0, "Supported", "gruu, outbound");
  g_assert_cmpstr (settings->allow_events, ==, "presence, dialog");
  g_assert_cmpuint (settings->max_message_size, ==, 1024);
  g_assert_cmpuint (settings->inbox_size, ==, 5);
  g_assert_true (settings->persist);

  /* the copy is deep */
  copy = tc_endpoint_settings_copy (settings);
  tc_endpoint_settings_free (g_steal_pointer (&settings));
  g_assert_cmpstr (copy->uri, ==, "sip:alice@example.org");
  g_assert_cmpstr (copy->password, ==, "s3cr3t;#=");
  g_assert_cmpstr (copy->allow_events, ==, "presence, dialog");
  assert_header (copy->extra_headers, 1, "Subject", "hello; world");
  assert_header (copy->register_headers, 0, "Supported", "gruu, outbound");
  g_assert_cmpuint (copy->inbox_size, ==, 5);

  /* an empty string unsets an optional string; an empty array the headers */
  set_ok (copy, "display-name", g_variant_new_string (""));
  set_ok (copy, "outbound-proxy", g_variant_new_string (""));
  set_ok (copy, "listen", g_variant_new_string (""));
  set_ok (copy, "extra-headers", g_variant_new_array (G_VARIANT_TYPE ("(ss)"), NULL, 0));
  g_assert_null (copy->display_name);
  g_assert_null (copy->outbound_proxy);
  g_assert_null (copy->listen);
  g_assert_cmpuint (copy->extra_headers->len, ==, 0);
  set_ok (copy, "kind", g_variant_new_string ("peer-to-peer"));
  g_assert_cmpint (copy->kind, ==, TC_ENDPOINT_KIND_PEER_TO_PEER);
  set_ok (copy, "transport", g_variant_new_string ("WSS"));
  g_assert_cmpstr (copy->transport, ==, "wss");
}

static void
test_set_text_every_key (void)
{
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();

  set_text_ok (settings, "uri", "sips:bob@example.com:5061");
  set_text_ok (settings, "kind", "peer-to-peer");
  set_text_ok (settings, "display-name", "Bob");
  set_text_ok (settings, "auth-username", "bob");
  set_text_ok (settings, "password", "pw");
  set_text_ok (settings, "outbound-proxy", "sips:[2001:db8::1]:5061;lr");
  set_text_ok (settings, "transport", "tls");
  set_text_ok (settings, "listen", "[::1]:0");
  set_text_ok (settings, "expires", "86400");
  set_text_ok (settings, "retry-interval", "3600");
  set_text_ok (settings, "instance-id", "urn:uuid:00000000-0000-4000-8000-000000000001");
  set_text_ok (settings, "extra-headers", "X-A: 1;X-B:two words  ;X-C: semi\\;colon;");
  set_text_ok (settings, "register-headers", "Supported: path");
  set_text_ok (settings, "allow-events", "presence,message-summary");
  set_text_ok (settings, "max-message-size", "1048576");
  set_text_ok (settings, "inbox-size", "100000");
  set_text_ok (settings, "persist", "true");

  g_assert_cmpstr (settings->uri, ==, "sips:bob@example.com:5061");
  g_assert_cmpint (settings->kind, ==, TC_ENDPOINT_KIND_PEER_TO_PEER);
  g_assert_cmpstr (settings->display_name, ==, "Bob");
  g_assert_cmpstr (settings->auth_username, ==, "bob");
  g_assert_cmpstr (settings->password, ==, "pw");
  g_assert_cmpstr (settings->outbound_proxy, ==, "sips:[2001:db8::1]:5061;lr");
  g_assert_cmpstr (settings->transport, ==, "tls");
  g_assert_cmpstr (settings->listen, ==, "[::1]:0");
  g_assert_cmpuint (settings->expires, ==, 86400);
  g_assert_cmpuint (settings->retry_interval, ==, 3600);
  g_assert_cmpstr (settings->instance_id, ==, "urn:uuid:00000000-0000-4000-8000-000000000001");
  g_assert_cmpuint (settings->extra_headers->len, ==, 3);
  assert_header (settings->extra_headers, 0, "X-A", "1");
  assert_header (settings->extra_headers, 1, "X-B", "two words");
  assert_header (settings->extra_headers, 2, "X-C", "semi;colon");
  assert_header (settings->register_headers, 0, "Supported", "path");
  g_assert_cmpstr (settings->allow_events, ==, "presence,message-summary");
  g_assert_cmpuint (settings->max_message_size, ==, 1048576);
  g_assert_cmpuint (settings->inbox_size, ==, 100000);
  g_assert_true (settings->persist);
  set_text_ok (settings, "persist", "false");
  g_assert_false (settings->persist);
  set_text_ok (settings, "extra-headers", "");
  g_assert_cmpuint (settings->extra_headers->len, ==, 0);
}

static void
test_listen_forms (void)
{
  static const char *const good[] = {
    "0.0.0.0",   "0.0.0.0:0", "127.0.0.1:65535", "localhost", "localhost:5060", "host.example.org:5062",
    "[::]:5060", "[::1]",     "[2001:db8::1]:0", "::",        "2001:db8::7",
  };
  static const struct {
    const char *text;
    const char *message;
  } bad[] = {
    { "127.0.0.1:65536", "listen: \"127.0.0.1:65536\": the port 65536 is out of range 0..65535" },
    { "127.0.0.1:99999999", "listen: \"127.0.0.1:99999999\": the port \"99999999\" is not a number from 0 to 65535" },
    { "127.0.0.1:", "listen: \"127.0.0.1:\": the port \"\" is not a number from 0 to 65535" },
    { "127.0.0.1:-1", "listen: \"127.0.0.1:-1\": the port \"-1\" is not a number from 0 to 65535" },
    { "host:http", "listen: \"host:http\": the port \"http\" is not a number from 0 to 65535" },
    { ":5060", "listen: \"\" is not a host name or IP address (expected host, host:port or [v6]:port)" },
    { "[::1", "listen: \"[::1\" has no \"]\" after the IPv6 address" },
    { "[::1]5060", "listen: \"[::1]5060\": expected \":port\" after \"]\"" },
    { "[example.org]:5060",
      "listen: \"example.org\" is not a host name or IP address (expected host, host:port or [v6]:port)" },
    { "alice@host:5060",
      "listen: \"alice@host\" is not a host name or IP address (expected host, host:port or [v6]:port)" },
    { "host;transport=tcp",
      "listen: \"host;transport=tcp\" is not a host name or IP address (expected host, host:port or [v6]:port)" },
    { "ho st", "listen: \"ho st\" is not a host name or IP address (expected host, host:port or [v6]:port)" },
    { "::g", "listen: \"::g\" is not a host name or IP address (expected host, host:port or [v6]:port)" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();

      set_text_ok (settings, "listen", good[i]);
      g_assert_cmpstr (settings->listen, ==, good[i]);
    }
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    set_fails ("listen", g_variant_new_string (bad[i].text), bad[i].message);
}

static void
test_wrong_types (void)
{
  set_fails ("uri", g_variant_new_uint32 (1), "uri: expected type s, got u");
  set_fails ("expires", g_variant_new_string ("3600"), "expires: expected type u, got s");
  set_fails ("expires", g_variant_new_int32 (3600), "expires: expected type u, got i");
  set_fails ("persist", g_variant_new_string ("true"), "persist: expected type b, got s");
  set_fails ("extra-headers", g_variant_new_string ("X-A: 1"), "extra-headers: expected type a(ss), got s");
  set_fails ("extra-headers", g_variant_new_parsed ("{'X-A': '1'}"), "extra-headers: expected type a(ss), got a{ss}");
  set_fails ("kind", g_variant_new_variant (g_variant_new_string ("registered")), "kind: expected type s, got v");
  set_fails ("frobnicate", g_variant_new_string ("x"), "frobnicate: unknown key");

  set_text_fails ("expires", "abc", "expires: \"abc\" is not a decimal number");
  set_text_fails ("expires", "", "expires: \"\" is not a decimal number");
  set_text_fails ("expires", "-5", "expires: \"-5\" is not a decimal number");
  set_text_fails ("expires", " 60", "expires: \" 60\" is not a decimal number");
  set_text_fails ("expires", "0x40", "expires: \"0x40\" is not a decimal number");
  set_text_fails ("persist", "yes", "persist: \"yes\" is not true or false");
  set_text_fails ("persist", "1", "persist: \"1\" is not true or false");
  set_text_fails ("frobnicate", "x", "frobnicate: unknown key");
  set_text_fails ("display-name", "\xff\xfe", "display-name: not valid UTF-8");
}

static void
test_out_of_range (void)
{
  set_fails ("expires", g_variant_new_uint32 (5), "expires: 5 is out of range 60..86400");
  set_fails ("expires", g_variant_new_uint32 (59), "expires: 59 is out of range 60..86400");
  set_fails ("expires", g_variant_new_uint32 (86401), "expires: 86401 is out of range 60..86400");
  set_fails ("retry-interval", g_variant_new_uint32 (0), "retry-interval: 0 is out of range 1..3600");
  set_fails ("retry-interval", g_variant_new_uint32 (3601), "retry-interval: 3601 is out of range 1..3600");
  set_fails ("max-message-size", g_variant_new_uint32 (0), "max-message-size: 0 is out of range 1..1048576");
  set_fails ("max-message-size", g_variant_new_uint32 (1048577),
             "max-message-size: 1048577 is out of range 1..1048576");
  set_fails ("inbox-size", g_variant_new_uint32 (0), "inbox-size: 0 is out of range 1..100000");
  set_fails ("inbox-size", g_variant_new_uint32 (G_MAXUINT32), "inbox-size: 4294967295 is out of range 1..100000");
  set_text_fails ("expires", "59", "expires: 59 is out of range 60..86400");
  set_text_fails ("expires", "99999999999999999999999", "expires: 18446744073709551615 is out of range 60..86400");
  set_text_fails ("inbox-size", "100001", "inbox-size: 100001 is out of range 1..100000");
}

static void
test_closed_sets_and_uris (void)
{
  set_fails ("kind", g_variant_new_string ("proxy"), "kind: \"proxy\" is not one of registered, peer-to-peer");
  set_fails ("kind", g_variant_new_string (""), "kind: \"\" is not one of registered, peer-to-peer");
  set_fails ("transport", g_variant_new_string ("sctp"), "transport: \"sctp\" is not one of udp, tcp, tls, ws, wss");
  set_fails ("uri", g_variant_new_string (""), "uri: must not be empty");
  set_fails ("uri", g_variant_new_string ("tel:+15551234"),
             "uri: not a sip: or sips: URI: \"tel:+15551234\" is a tel: URI");
  set_fails ("uri", g_variant_new_string ("sip:alice:secret@example.org"),
             "uri: the URI contains a password (user:password@host); give it as \"password\"");
  set_fails ("uri", g_variant_new_string ("sip:alice@example.org?Subject=x"),
             "uri: \"sip:alice@example.org?Subject=x\" has URI headers (\"?…\"), which are not allowed here");
  set_text_fails ("uri", "http://example.org/", "uri: not a sip: or sips: URI: ");
  set_text_fails ("uri", "alice@example.org", "uri: not a sip: or sips: URI: ");
  set_text_fails ("uri", "sip:", "uri: not a sip: or sips: URI: ");
  set_text_fails ("uri", "<sip:alice@example.org>", "uri: not a sip: or sips: URI: ");
  set_text_fails ("registrar", "example.org", "registrar: not a sip: or sips: URI: ");
  set_text_fails ("outbound-proxy", "sip:proxy example.org", "outbound-proxy: not a sip: or sips: URI: ");
  set_fails ("instance-id", g_variant_new_string ("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
             "instance-id: \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\" is not a urn:uuid: URN with a valid UUID");
  set_fails ("instance-id", g_variant_new_string ("urn:uuid:not-a-uuid"),
             "instance-id: \"urn:uuid:not-a-uuid\" is not a urn:uuid: URN with a valid UUID");
  set_fails ("instance-id", g_variant_new_string ("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"),
             "instance-id: \"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\" is not a urn:uuid: URN with a "
             "valid UUID");
  set_text_fails ("allow-events", "presence dialog",
                  "allow-events: \"presence dialog\" is not a list of event "
                  "packages: ");
  set_text_fails ("allow-events", "presence,,", "allow-events: \"presence,,\" is not a list of event packages: ");
}

static void
test_control_characters (void)
{
  static const char *const keys[] = { "uri",    "display-name", "auth-username", "registrar", "outbound-proxy",
                                      "listen", "instance-id",  "allow-events" };
  static const char *const crlf[] = { "X-Evil", "a\r\nVia: SIP/2.0/UDP evil", NULL };
  static const char *const lf[] = { "X-Evil", "a\nb", NULL };
  static const char *const cr_name[] = { "X-Evil\r\nVia", "x", NULL };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *cr = g_strdup_printf ("%s: contains CR (0x0d); CR, LF and other control characters are not "
                                             "allowed",
                                             keys[i]);
      g_autofree char *lf_message = g_strdup_printf ("%s: contains LF (0x0a); CR, LF and other control characters "
                                                     "are not allowed",
                                                     keys[i]);

      set_fails (keys[i], g_variant_new_string ("sip:alice@example.org\r\nVia: x"), cr);
      set_fails (keys[i], g_variant_new_string ("a\nb"), lf_message);
      set_text_fails (keys[i], "a\x01", keys[i]);
    }
  set_fails ("extra-headers", headers_variant (crlf),
             "extra-headers: header X-Evil: the value contains CR (0x0d); CR, LF and other control characters are "
             "not allowed");
  set_fails ("register-headers", headers_variant (lf),
             "register-headers: header X-Evil: the value contains LF (0x0a); CR, LF and other control characters "
             "are not allowed");
  set_fails ("extra-headers", headers_variant (cr_name),
             "extra-headers: header name \"X-Evil\\r\\nVia\" is not an RFC 3261 token");
  set_text_fails ("extra-headers", "X-A: a\rb", "extra-headers: contains CR (0x0d)");
  /* a password may hold anything */
  {
    g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();

    set_text_ok (settings, "password", "p\tw\x01");
    g_assert_cmpstr (settings->password, ==, "p\tw\x01");
  }
}

static void
test_refused_headers (void)
{
  static const char *const refused[] = {
    "Via",
    "via",
    "VIA",
    "v",
    "V",
    "From",
    "from",
    "f",
    "F",
    "To",
    "to",
    "t",
    "T",
    "Call-ID",
    "call-id",
    "CALL-ID",
    "i",
    "I",
    "CSeq",
    "cseq",
    "CSEQ",
    "Max-Forwards",
    "max-forwards",
    "Contact",
    "contact",
    "m",
    "M",
    "Content-Length",
    "content-length",
    "l",
    "L",
    "Route",
    "route",
    "ROUTE",
    "Record-Route",
    "record-route",
    "RECORD-ROUTE",
  };
  static const char *const allowed[] = { "X-Tincan",     "Subject", "s",        "Supported", "k",   "User-Agent",
                                         "Allow-Events", "Accept",  "Priority", "Via-X",     "Tos", "x-route" };
  g_autoptr (GError) error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) local_error = NULL;
      const char *pair[] = { refused[i], "x", NULL };
      g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
      g_autoptr (GVariant) value = g_variant_ref_sink (headers_variant (pair));

      g_assert_false (tc_header_pair_validate (refused[i], "x", &local_error));
      g_assert_error (local_error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
      g_assert_true (strstr (local_error->message, "is set by the SIP stack") != NULL);
      g_clear_error (&local_error);
      g_assert_false (tc_endpoint_settings_set (settings, "register-headers", value, &local_error));
      g_assert_error (local_error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
      g_assert_true (g_str_has_prefix (local_error->message, "register-headers: header "));
      /* the settings did not change */
      g_assert_cmpuint (settings->register_headers->len, ==, 0);
    }
  for (i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_assert_true (tc_header_pair_validate (allowed[i], "value", &error));
      g_assert_no_error (error);
    }

  g_assert_false (tc_header_pair_validate ("v", "x", &error));
  g_assert_cmpstr (error->message, ==, "header v (Via) is set by the SIP stack and cannot be added");
  g_clear_error (&error);
  g_assert_false (tc_header_pair_validate ("record-route", "x", &error));
  g_assert_cmpstr (error->message, ==,
                   "header record-route (Record-Route) is set by the SIP stack and cannot be added");
  g_clear_error (&error);
  g_assert_false (tc_header_pair_validate ("", "x", &error));
  g_assert_cmpstr (error->message, ==, "header name is empty");
  g_clear_error (&error);
  g_assert_false (tc_header_pair_validate ("X Foo", "x", &error));
  g_assert_cmpstr (error->message, ==, "header name \"X Foo\" is not an RFC 3261 token");
  g_clear_error (&error);
  g_assert_false (tc_header_pair_validate ("X-Foo:", "x", &error));
  g_assert_cmpstr (error->message, ==, "header name \"X-Foo:\" is not an RFC 3261 token");
  g_clear_error (&error);
  g_assert_false (tc_header_pair_validate ("Ü", "x", &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  g_assert_true (tc_header_pair_validate ("X-A", "", &error));
  g_assert_no_error (error);

  /* the whole array is refused when one pair is bad, in an a{sv} and in a file */
  set_fails ("extra-headers", headers_variant ((const char *const[]){ "X-A", "1", "Contact", "<sip:x@y>", NULL }),
             "extra-headers: header Contact (Contact) is set by the SIP stack and cannot be added");
  set_text_fails ("extra-headers", "X-A: 1;m: <sip:x@y>",
                  "extra-headers: header m (Contact) is set by the SIP stack and cannot be added");
  set_text_fails ("extra-headers", "X-A 1", "extra-headers: \"X-A 1\" is not \"Name: value\"");
  set_text_fails ("extra-headers", ": 1", "extra-headers: header name is empty");
}

static TcEndpointSettings *
settings_for (const char *uri)
{
  TcEndpointSettings *settings = tc_endpoint_settings_new ();

  set_text_ok (settings, "uri", uri);
  return settings;
}

static void
finish_ok (TcEndpointSettings *settings)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tc_endpoint_settings_finish (settings, &error));
  g_assert_no_error (error);
}

static void
finish_fails (TcEndpointSettings *settings, const char *message)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (tc_endpoint_settings_finish (settings, &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_finish_defaults (void)
{
  g_autoptr (TcEndpointSettings) registered = settings_for ("sip:alice@example.org");
  g_autoptr (TcEndpointSettings) port = settings_for ("sip:alice@example.org:5070;transport=tcp");
  g_autoptr (TcEndpointSettings) sips = settings_for ("sips:bob@[2001:db8::1]:5061");
  g_autoptr (TcEndpointSettings) p2p = settings_for ("sip:carol@192.0.2.1");
  g_autoptr (TcEndpointSettings) no_user = settings_for ("sip:example.org");
  g_autoptr (TcEndpointSettings) escaped = settings_for ("sip:al%69ce@example.org");
  g_autofree char *first_instance = NULL;

  finish_ok (registered);
  g_assert_cmpstr (registered->registrar, ==, "sip:example.org");
  g_assert_cmpstr (registered->auth_username, ==, "alice");
  g_assert_cmpstr (registered->transport, ==, "udp");
  g_assert_nonnull (registered->instance_id);
  g_assert_true (g_str_has_prefix (registered->instance_id, "urn:uuid:"));
  g_assert_true (g_uuid_string_is_valid (registered->instance_id + 9));
  /* finish() is idempotent: the instance id is made once */
  first_instance = g_strdup (registered->instance_id);
  finish_ok (registered);
  g_assert_cmpstr (registered->instance_id, ==, first_instance);
  g_assert_cmpuint (registered->expires, ==, 3600);
  g_assert_cmpuint (registered->retry_interval, ==, 30);
  g_assert_cmpuint (registered->max_message_size, ==, 65536);
  g_assert_cmpuint (registered->inbox_size, ==, 1000);

  finish_ok (port);
  g_assert_cmpstr (port->registrar, ==, "sip:example.org:5070");
  g_assert_cmpstr (port->transport, ==, "udp");

  finish_ok (sips);
  g_assert_cmpstr (sips->registrar, ==, "sips:[2001:db8::1]:5061");
  g_assert_cmpstr (sips->transport, ==, "tls");
  g_assert_cmpstr (sips->auth_username, ==, "bob");

  set_text_ok (p2p, "kind", "peer-to-peer");
  finish_ok (p2p);
  g_assert_null (p2p->registrar);
  g_assert_cmpstr (p2p->auth_username, ==, "carol");
  g_assert_cmpstr (p2p->transport, ==, "udp");
  g_assert_null (p2p->listen);
  g_assert_nonnull (p2p->instance_id);

  finish_ok (no_user);
  g_assert_null (no_user->auth_username);
  g_assert_cmpstr (no_user->registrar, ==, "sip:example.org");

  finish_ok (escaped);
  g_assert_cmpstr (escaped->auth_username, ==, "alice");

  /* given values are kept */
  {
    g_autoptr (TcEndpointSettings) given = settings_for ("sips:dave@example.org");

    set_text_ok (given, "registrar", "sips:reg.example.org");
    set_text_ok (given, "auth-username", "d");
    set_text_ok (given, "transport", "wss");
    set_text_ok (given, "instance-id", "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    finish_ok (given);
    g_assert_cmpstr (given->registrar, ==, "sips:reg.example.org");
    g_assert_cmpstr (given->auth_username, ==, "d");
    g_assert_cmpstr (given->transport, ==, "wss");
    g_assert_cmpstr (given->instance_id, ==, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  }
}

static void
test_finish_errors (void)
{
  g_autoptr (TcEndpointSettings) empty = tc_endpoint_settings_new ();
  g_autoptr (TcEndpointSettings) p2p = settings_for ("sip:carol@example.org");
  g_autoptr (TcEndpointSettings) sips_udp = settings_for ("sips:bob@example.org");
  g_autoptr (TcEndpointSettings) sips_tcp = settings_for ("sips:bob@example.org");

  finish_fails (empty, "uri: missing; every endpoint needs its address of record (a sip: or sips: URI)");

  /* the order keys are given in does not matter */
  set_text_ok (p2p, "registrar", "sip:example.org");
  set_text_ok (p2p, "kind", "peer-to-peer");
  finish_fails (p2p, "registrar: not allowed for a peer-to-peer endpoint, which never registers");
  set_text_ok (p2p, "registrar", "");
  finish_ok (p2p);

  set_text_ok (sips_udp, "transport", "udp");
  finish_fails (sips_udp, "transport: udp cannot carry the sips: URI sips:bob@example.org (use tls or wss)");
  set_text_ok (sips_tcp, "transport", "tcp");
  finish_fails (sips_tcp, "transport: tcp cannot carry the sips: URI sips:bob@example.org (use tls or wss)");
}

/* Every key's text, read back with set_text(), gives the same text. */
static void
assert_text_round_trip (const TcEndpointSettings *settings)
{
  g_autoptr (TcEndpointSettings) copy = tc_endpoint_settings_new ();
  const char *const *keys;

  for (keys = tc_endpoint_settings_keys (); *keys; keys++)
    {
      g_autofree char *text = tc_endpoint_settings_get_text (settings, *keys);

      if (text)
        set_text_ok (copy, *keys, text);
    }
  finish_ok (copy);
  for (keys = tc_endpoint_settings_keys (); *keys; keys++)
    {
      g_autofree char *a = tc_endpoint_settings_get_text (settings, *keys);
      g_autofree char *b = tc_endpoint_settings_get_text (copy, *keys);

      g_assert_cmpstr (a, ==, b);
    }
  g_assert_cmpstr (copy->uri, ==, settings->uri);
  g_assert_cmpint (copy->kind, ==, settings->kind);
  g_assert_cmpstr (copy->registrar, ==, settings->registrar);
  g_assert_cmpstr (copy->auth_username, ==, settings->auth_username);
  g_assert_cmpstr (copy->transport, ==, settings->transport);
  g_assert_cmpstr (copy->instance_id, ==, settings->instance_id);
  g_assert_cmpuint (copy->extra_headers->len, ==, settings->extra_headers->len);
  for (guint i = 0; i < settings->extra_headers->len; i++)
    assert_header (copy->extra_headers, i, g_array_index (settings->extra_headers, TcHeaderPair, i).name,
                   g_array_index (settings->extra_headers, TcHeaderPair, i).value);
  g_assert_null (copy->password);
  g_assert_false (copy->persist);
}

static void
test_get_text (void)
{
  static const char *const extra[] = { "X-Semi", "a;b", "X-Back", "c:\\d", "X-Space", " lead", NULL };
  g_autoptr (TcEndpointSettings) settings = settings_for ("sip:alice@example.org");
  g_autoptr (TcEndpointSettings) changed = settings_for ("sips:bob@example.org");
  g_autofree char *text = NULL;

  set_text_ok (settings, "password", "secret");
  set_ok (settings, "persist", g_variant_new_boolean (TRUE));
  finish_ok (settings);

  /* derived and plain defaults are not saved; password and persist never */
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "registrar")));
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "auth-username")));
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "transport")));
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "kind")));
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "expires")));
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "password")));
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "persist")));
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "extra-headers")));
  g_assert_null ((text = tc_endpoint_settings_get_text (settings, "frobnicate")));
  text = tc_endpoint_settings_get_text (settings, "uri");
  g_assert_cmpstr (text, ==, "sip:alice@example.org");
  g_clear_pointer (&text, g_free);
  text = tc_endpoint_settings_get_text (settings, "instance-id");
  g_assert_cmpstr (text, ==, settings->instance_id);
  g_clear_pointer (&text, g_free);
  assert_text_round_trip (settings);

  set_text_ok (changed, "kind", "peer-to-peer");
  set_text_ok (changed, "display-name", "Bob; the \"builder\" #1");
  set_text_ok (changed, "auth-username", "bob-auth");
  set_text_ok (changed, "outbound-proxy", "sips:proxy.example.org;lr");
  set_text_ok (changed, "transport", "wss");
  set_text_ok (changed, "listen", "[::1]:5061");
  set_ok (changed, "expires", g_variant_new_uint32 (60));
  set_ok (changed, "retry-interval", g_variant_new_uint32 (1));
  set_ok (changed, "max-message-size", g_variant_new_uint32 (1048576));
  set_ok (changed, "inbox-size", g_variant_new_uint32 (1));
  set_ok (changed, "extra-headers", headers_variant (extra));
  set_text_ok (changed, "register-headers", "Supported: gruu");
  set_text_ok (changed, "allow-events", "presence");
  finish_ok (changed);

  text = tc_endpoint_settings_get_text (changed, "kind");
  g_assert_cmpstr (text, ==, "peer-to-peer");
  g_clear_pointer (&text, g_free);
  text = tc_endpoint_settings_get_text (changed, "expires");
  g_assert_cmpstr (text, ==, "60");
  g_clear_pointer (&text, g_free);
  text = tc_endpoint_settings_get_text (changed, "transport");
  g_assert_cmpstr (text, ==, "wss");
  g_clear_pointer (&text, g_free);
  text = tc_endpoint_settings_get_text (changed, "extra-headers");
  g_assert_cmpstr (text, ==, "X-Semi: a\\;b;X-Back: c:\\\\d;X-Space: lead;");
  g_clear_pointer (&text, g_free);
  assert_text_round_trip (changed);

  /* a registrar or transport given equal to the default is not saved */
  {
    g_autoptr (TcEndpointSettings) same = settings_for ("sips:carol@example.org:5061");

    set_text_ok (same, "registrar", "sips:example.org:5061");
    set_text_ok (same, "transport", "tls");
    finish_ok (same);
    g_assert_null ((text = tc_endpoint_settings_get_text (same, "registrar")));
    g_assert_null ((text = tc_endpoint_settings_get_text (same, "transport")));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/settings/keys", test_keys);
  g_test_add_func ("/core/settings/call-keys", test_call_keys);
  g_test_add_func ("/core/settings/new-defaults", test_new_defaults);
  g_test_add_func ("/core/settings/set/variant-every-key", test_set_variant_every_key);
  g_test_add_func ("/core/settings/set/text-every-key", test_set_text_every_key);
  g_test_add_func ("/core/settings/set/listen-forms", test_listen_forms);
  g_test_add_func ("/core/settings/set/wrong-types", test_wrong_types);
  g_test_add_func ("/core/settings/set/out-of-range", test_out_of_range);
  g_test_add_func ("/core/settings/set/closed-sets-and-uris", test_closed_sets_and_uris);
  g_test_add_func ("/core/settings/set/control-characters", test_control_characters);
  g_test_add_func ("/core/settings/headers/refused", test_refused_headers);
  g_test_add_func ("/core/settings/finish/defaults", test_finish_defaults);
  g_test_add_func ("/core/settings/finish/errors", test_finish_errors);
  g_test_add_func ("/core/settings/get-text/round-trip", test_get_text);

  return g_test_run ();
}
