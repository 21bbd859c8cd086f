/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-registration.c — TcRegistration (core/registration.h) against a
 * scripted registrar: a TcSipStack on the manual clock with the fake
 * transport (tests/sip/stack-test-util.h), the test answering each
 * REGISTER it sends.  Digest, the granted lifetime (Contact parameter or
 * Expires), GRUU and Service-Route, the refresh window, 423, Retry-After,
 * back-off, rejections, unregistering (also mid-flight), the held TCP flow
 * closing, a network change, a 200 without our Contact, and disposal.
 */
#include "core/registration.h"
#include "stack-test-util.h"

#define S (G_TIME_SPAN_SECOND)
#define REGISTRAR_UDP "sip:192.0.2.50"
#define REGISTRAR_TCP "sip:192.0.2.50;transport=tcp"
#define INSTANCE "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
#define OUR_UDP_CONTACT "<sip:alice@192.0.2.1:5060;transport=udp>"
#define OUR_TCP_CONTACT "<sip:alice@192.0.2.1:5060;transport=tcp>"
#define CHALLENGE(nonce) \
  "WWW-Authenticate: Digest realm=\"tincan.test\", nonce=\"" nonce "\", qop=\"auth\", algorithm=SHA-256\r\n"

typedef struct {
  TcRegistrationState state;
  TcRegistrationState previous;
  guint status;
  char *reason;
  gboolean has_message;
  char *cause;
} Event;

typedef struct {
  Fixture sip;
  TcRegistration *reg;
  GArray *events;    /* Event */
  GPtrArray *lost;   /* "cause remote" of each connection-lost */
  gboolean disposed; /* no handler may run after */
} RegFixture;

static void
event_clear (gpointer data)
{
  Event *event = data;

  g_free (event->reason);
  g_free (event->cause);
}

static void
on_state_changed (TcRegistration *reg, TcRegistrationState previous, guint status, const char *reason,
                  TcSipMessage *message, const char *cause, RegFixture *rf)
{
  Event event = {
    .state = tc_registration_get_state (reg),
    .previous = previous,
    .status = status,
    .reason = g_strdup (reason),
    .has_message = message != NULL,
    .cause = g_strdup (cause),
  };

  g_assert_false (rf->disposed);
  g_assert_nonnull (reason);
  g_assert_cmpint (event.state, !=, previous);
  if (rf->events->len > 0)
    g_assert_cmpint (previous, ==, g_array_index (rf->events, Event, rf->events->len - 1).state);
  g_array_append_val (rf->events, event);
}

static void
on_connection_lost (TcRegistration *reg, const char *cause, const char *remote, RegFixture *rf)
{
  g_assert_false (rf->disposed);
  g_ptr_array_add (rf->lost, g_strdup_printf ("%s %s", cause, remote));
}

static void
reg_setup (RegFixture *rf, gconstpointer data)
{
  fixture_setup (&rf->sip, data);
  rf->events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_array_set_clear_func (rf->events, event_clear);
  rf->lost = g_ptr_array_new_with_free_func (g_free);
}

static void
reg_teardown (RegFixture *rf, gconstpointer data)
{
  if (rf->reg)
    {
      g_assert_finalize_object (rf->reg);
      rf->disposed = TRUE;
    }
  /* Whatever the stack still does (abandoned requests) reaches no one. */
  tc_sip_clock_manual_advance (rf->sip.clock, 64 * T1);
  run_main ();
  g_array_unref (rf->events);
  g_ptr_array_unref (rf->lost);
  fixture_teardown (&rf->sip, data);
}

/* ---- helpers ------------------------------------------------------------------------ */

typedef struct {
  const char *registrar;
  const char *instance_id;
  TcSipDigestCache *credentials;
  TcSipRouteSet *route_set;
  guint expires;
  gint64 retry_max_us;
  TcRegistrationWindow *window;
} RegOptions;

static void
make_reg (RegFixture *rf, const RegOptions *opts)
{
  g_autoptr (GArray) extra = g_array_new (FALSE, TRUE, sizeof (TcHeaderPair));
  TcHeaderPair pair = { "X-Tincan-Test", "yes" };
  TcRegistrationConfig config;

  g_array_append_val (extra, pair);
  tc_registration_config_init (&config);
  g_assert_cmpuint (config.expires, ==, 3600);
  g_assert_cmpint (config.retry_base_us, ==, 30 * S);
  g_assert_cmpint (config.retry_max_us, ==, 1800 * S);
  config.aor = "sip:alice@example.test";
  config.display_name = "Alice \"A\" Liddell";
  config.registrar = opts->registrar ? opts->registrar : REGISTRAR_UDP;
  config.route_set = opts->route_set;
  config.credentials = opts->credentials;
  config.contact_user = "alice";
  config.instance_id = opts->instance_id;
  if (opts->expires)
    config.expires = opts->expires;
  config.extra_headers = extra;
  config.allow_events = "presence, dialog";
  if (opts->retry_max_us)
    config.retry_max_us = opts->retry_max_us;
  config.window = opts->window;
  rf->reg = tc_registration_new (rf->sip.stack, &config);
  g_signal_connect (rf->reg, "state-changed", G_CALLBACK (on_state_changed), rf);
  g_signal_connect (rf->reg, "connection-lost", G_CALLBACK (on_connection_lost), rf);
  g_assert_cmpint (tc_registration_get_state (rf->reg), ==, TC_REGISTRATION_STATE_UNREGISTERED);
}

static TcSipDigestCache *
new_cache (void)
{
  g_autoptr (TcSipDigestCredentials) credentials = tc_sip_digest_credentials_new ("alice", "secret", NULL);

  return tc_sip_digest_cache_new (credentials);
}

static gint64
now (RegFixture *rf)
{
  return tc_sip_clock_now (rf->sip.clock);
}

static TcRegistrationState
state (RegFixture *rf)
{
  return tc_registration_get_state (rf->reg);
}

static const Event *
last_event (RegFixture *rf)
{
  g_assert_cmpuint (rf->events->len, >, 0);
  return &g_array_index (rf->events, Event, rf->events->len - 1);
}

/* Index of the last REGISTER sent (retransmissions included). */
static guint
last_register (RegFixture *rf)
{
  gint i = find_sent (&rf->sip, TC_SIP_METHOD_REGISTER, 0);

  g_assert_cmpint (i, >=, 0);
  return (guint) i;
}

/* Number of distinct REGISTERs (by branch) sent so far. */
static guint
n_registers (RegFixture *rf)
{
  g_autoptr (GHashTable) branches = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n_sent (&rf->sip); i++)
    if (tc_sip_message_is_request (sent (&rf->sip, i)) &&
        tc_sip_message_get_method (sent (&rf->sip, i)) == TC_SIP_METHOD_REGISTER)
      g_hash_table_add (branches, (gpointer) branch (&rf->sip, sent (&rf->sip, i)));
  return g_hash_table_size (branches);
}

static guint32
cseq_of (RegFixture *rf, guint i)
{
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (sent (&rf->sip, i));

  g_assert_true (tc_sip_str_equal (cseq->method, "REGISTER"));
  return cseq->seq;
}

static const char *
hdr_of (RegFixture *rf, guint i, const char *name)
{
  return hdr (&rf->sip, sent (&rf->sip, i), name);
}

/* Answers the last REGISTER with @status and @extra headers. */
static void
answer (RegFixture *rf, guint status, const char *extra)
{
  inject_response (&rf->sip, last_register (rf), status, "reg", extra);
}

/* register(), the REGISTER out, answered 200 with our Contact (UDP) for
 * @expires seconds. */
static void
register_ok (RegFixture *rf, guint expires)
{
  g_autofree char *contact = g_strdup_printf ("Contact: " OUR_UDP_CONTACT ";expires=%u\r\n", expires);

  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 200, contact);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
}

/* ---- 1. digest, and what a REGISTER carries --------------------------------------------- */

static void
test_digest_contact_expires (RegFixture *rf, gconstpointer data)
{
  g_autoptr (TcSipDigestCache) cache = new_cache ();
  RegOptions opts = { .credentials = cache, .instance_id = INSTANCE };
  guint first, second;
  const char *auth;

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpint (last_event (rf)->previous, ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpuint (last_event (rf)->status, ==, 0);
  g_assert_null (last_event (rf)->cause);
  run_main ();

  first = last_register (rf);
  g_assert_cmpstr (dest (&rf->sip, first), ==, "udp:192.0.2.50:5060");
  g_assert_cmpstr (ruri (&rf->sip, sent (&rf->sip, first)), ==, REGISTRAR_UDP);
  g_assert_true (
    g_str_has_prefix (hdr_of (rf, first, "From"), "\"Alice \\\"A\\\" Liddell\" <sip:alice@example.test>;tag="));
  g_assert_cmpstr (hdr_of (rf, first, "To"), ==, "\"Alice \\\"A\\\" Liddell\" <sip:alice@example.test>");
  g_assert_cmpstr (hdr_of (rf, first, "Contact"), ==, OUR_UDP_CONTACT ";+sip.instance=\"<" INSTANCE ">\"");
  g_assert_cmpstr (hdr_of (rf, first, "Expires"), ==, "3600");
  g_assert_cmpstr (hdr_of (rf, first, "Supported"), ==, "path, gruu");
  g_assert_cmpstr (hdr_of (rf, first, "Allow-Events"), ==, "presence, dialog");
  g_assert_cmpstr (hdr_of (rf, first, "X-Tincan-Test"), ==, "yes");
  g_assert_cmpuint (cseq_of (rf, first), ==, 1);
  g_assert_null (hdr_of (rf, first, "Authorization"));

  /* 401: the stack answers it from the credentials. */
  answer (rf, 401, CHALLENGE ("n1"));
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  second = last_register (rf);
  g_assert_cmpuint (second, >, first);
  auth = hdr_of (rf, second, "Authorization");
  g_assert_nonnull (auth);
  g_assert_nonnull (strstr (auth, "uri=\"" REGISTRAR_UDP "\""));
  g_assert_cmpuint (cseq_of (rf, second), ==, 2);

  /* 200 listing another device first, then us with our granted lifetime. */
  answer (rf, 200,
          "Contact: <sip:alice@198.51.100.9:5070>;expires=3000\r\n"
          "Contact: " OUR_UDP_CONTACT ";expires=600;+sip.instance=\"<" INSTANCE ">\"\r\n"
          "Expires: 900\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_cmpuint (rf->events->len, ==, 2);
  g_assert_cmpuint (last_event (rf)->status, ==, 200);
  g_assert_cmpstr (last_event (rf)->reason, ==, "OK");
  g_assert_true (last_event (rf)->has_message);
  g_assert_cmpuint (tc_registration_get_granted_expires (rf->reg), ==, 600);
  g_assert_cmpstr (tc_registration_get_contact (rf->reg), ==, "sip:alice@192.0.2.1:5060;transport=udp");
  g_assert_null (tc_registration_get_pub_gruu (rf->reg));
  g_assert_null (tc_registration_get_route_set (rf->reg));
  /* UDP: the flow is known, not held. */
  g_assert_nonnull (tc_registration_get_flow (rf->reg));
  g_assert_cmpuint (tc_sip_flow_get_n_holds (tc_registration_get_flow (rf->reg)), ==, 0);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), >, now (rf));
}

static void
test_expires_header (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { 0 };

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  /* No +sip.instance: matched by user@host:port; the registrar dropped the
   * transport parameter and wrote the port out. */
  g_assert_cmpstr (hdr_of (rf, last_register (rf), "Contact"), ==, OUR_UDP_CONTACT);
  answer (rf, 200, "Contact: <sip:alice@192.0.2.1:5060>\r\nExpires: 1200\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_cmpuint (tc_registration_get_granted_expires (rf->reg), ==, 1200);
  g_assert_cmpstr (tc_registration_get_contact (rf->reg), ==, "sip:alice@192.0.2.1:5060");
}

/* ---- 2. GRUU and Service-Route --------------------------------------------------------- */

static void
test_gruu_service_route (RegFixture *rf, gconstpointer data)
{
  g_autoptr (TcSipUri) proxy = tc_sip_uri_parse ("sip:192.0.2.60", -1, NULL);
  g_autoptr (TcSipRouteSet) base = tc_sip_route_set_new (proxy);
  RegOptions opts = { .instance_id = INSTANCE, .route_set = base };
  TcSipRouteSet *routes;
  guint i;

  make_reg (rf, &opts);
  g_assert_true (tc_registration_get_route_set (rf->reg) != NULL);
  g_assert_cmpuint (tc_sip_route_set_get_n_routes (tc_registration_get_route_set (rf->reg)), ==, 1);
  tc_registration_register (rf->reg);
  run_main ();
  i = last_register (rf);
  /* Through the outbound proxy; Service-Route is not used for REGISTER. */
  g_assert_cmpstr (dest (&rf->sip, i), ==, "udp:192.0.2.60:5060");
  g_assert_cmpstr (hdr_of (rf, i, "Route"), ==, "<sip:192.0.2.60;lr>");
  /* A NAT rewrote our Contact: it is found by its +sip.instance. */
  answer (rf, 200,
          "Contact: <sip:alice@198.51.100.7:34567>;expires=300;+sip.instance=\"<" INSTANCE ">\""
          ";pub-gruu=\"sip:alice@example.test;gr=" INSTANCE
          "\";temp-gruu=\"sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.test;gr\"\r\n"
          "Service-Route: <sip:edge.example.test;lr>, <sip:core.example.test;lr>\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_cmpuint (tc_registration_get_granted_expires (rf->reg), ==, 300);
  g_assert_cmpstr (tc_registration_get_pub_gruu (rf->reg), ==, "sip:alice@example.test;gr=" INSTANCE);
  g_assert_cmpstr (tc_registration_get_temp_gruu (rf->reg), ==,
                   "sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.test;gr");
  routes = tc_registration_get_route_set (rf->reg);
  g_assert_nonnull (routes);
  g_assert_cmpuint (tc_sip_route_set_get_n_routes (routes), ==, 3);
  g_assert_cmpstr (tc_sip_route_set_get_route_text (routes, 0), ==, "sip:192.0.2.60;lr");
  g_assert_cmpstr (tc_sip_route_set_get_route_text (routes, 1), ==, "sip:edge.example.test;lr");
  g_assert_cmpstr (tc_sip_route_set_get_route_text (routes, 2), ==, "sip:core.example.test;lr");

  /* Unregistered: the grants are gone, the outbound proxy stays. */
  tc_registration_unregister (rf->reg);
  run_main ();
  answer (rf, 200, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_null (tc_registration_get_pub_gruu (rf->reg));
  g_assert_null (tc_registration_get_temp_gruu (rf->reg));
  g_assert_cmpuint (tc_registration_get_granted_expires (rf->reg), ==, 0);
  g_assert_cmpuint (tc_sip_route_set_get_n_routes (tc_registration_get_route_set (rf->reg)), ==, 1);
}

/* ---- 3. refresh ------------------------------------------------------------------------- */

static void
test_refresh_window (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { 0 };
  const char *call_id, *from;
  guint32 cseq;

  make_reg (rf, &opts);
  register_ok (rf, 600);
  call_id = hdr_of (rf, last_register (rf), "Call-ID");
  from = hdr_of (rf, last_register (rf), "From");
  cseq = cseq_of (rf, last_register (rf));

  /* Twenty refreshes, each within [50 %, 80 %] of the lifetime. */
  for (guint round = 0; round < 20; round++)
    {
      gint64 delay = tc_registration_get_next_attempt (rf->reg) - now (rf);
      guint before = n_registers (rf);
      guint n_events = rf->events->len;
      guint i;

      g_assert_cmpint (delay, >=, 300 * S);
      g_assert_cmpint (delay, <=, 480 * S);
      tc_sip_clock_manual_advance (rf->sip.clock, delay - 1);
      run_main ();
      g_assert_cmpuint (n_registers (rf), ==, before);
      g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
      tc_sip_clock_manual_advance (rf->sip.clock, 1);
      g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
      g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, 0);
      run_main ();
      g_assert_cmpuint (n_registers (rf), ==, before + 1);
      i = last_register (rf);
      /* RFC 3261 §10.2.4: same Call-ID (and From tag), next CSeq. */
      g_assert_cmpstr (hdr_of (rf, i, "Call-ID"), ==, call_id);
      g_assert_cmpstr (hdr_of (rf, i, "From"), ==, from);
      g_assert_cmpuint (cseq_of (rf, i), ==, cseq + 1);
      cseq = cseq_of (rf, i);
      answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=600\r\n");
      g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
      g_assert_cmpuint (rf->events->len, ==, n_events + 2);
    }

  /* A short lifetime: never later than 5 s before expiry. */
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=12\r\n");
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg) - now (rf), >=, 6 * S);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg) - now (rf), <=, 7 * S);
}

/* ---- 4. 423 Interval Too Brief ------------------------------------------------------------- */

static void
test_423 (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .expires = 60 };
  guint first, retry;

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  first = last_register (rf);
  g_assert_cmpstr (hdr_of (rf, first, "Expires"), ==, "60");
  answer (rf, 423, "Min-Expires: 1800\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpuint (rf->events->len, ==, 1);
  run_main ();
  retry = last_register (rf);
  g_assert_cmpuint (retry, >, first);
  g_assert_cmpstr (hdr_of (rf, retry, "Expires"), ==, "1800");
  g_assert_cmpuint (cseq_of (rf, retry), ==, cseq_of (rf, first) + 1);
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT "\r\nExpires: 1800\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_cmpuint (tc_registration_get_granted_expires (rf->reg), ==, 1800);

  /* The refresh keeps asking for the raised lifetime; a second 423 in one
   * attempt is a rejection. */
  tc_registration_register (rf->reg);
  run_main ();
  g_assert_cmpstr (hdr_of (rf, last_register (rf), "Expires"), ==, "1800");
  answer (rf, 423, "Min-Expires: 3600\r\n");
  run_main ();
  g_assert_cmpstr (hdr_of (rf, last_register (rf), "Expires"), ==, "3600");
  answer (rf, 423, "Min-Expires: 7200\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REJECTED);
  g_assert_cmpuint (last_event (rf)->status, ==, 423);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, 0);
}

/* ---- 5. 503 with Retry-After ------------------------------------------------------------------ */

static void
test_503_retry_after (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { 0 };
  guint before;

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 503, "Retry-After: 7\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
  g_assert_cmpuint (last_event (rf)->status, ==, 503);
  g_assert_true (last_event (rf)->has_message);
  g_assert_null (last_event (rf)->cause);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, now (rf) + 7 * S);
  before = n_registers (rf);
  tc_sip_clock_manual_advance (rf->sip.clock, 7 * S - 1);
  run_main ();
  g_assert_cmpuint (n_registers (rf), ==, before);
  tc_sip_clock_manual_advance (rf->sip.clock, 1);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  run_main ();
  g_assert_cmpuint (n_registers (rf), ==, before + 1);
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);

  /* 500 without Retry-After: the back-off. */
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 500, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg) - now (rf), >=, 15 * S);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg) - now (rf), <=, 30 * S);
}

/* ---- 6. timeout, and the back-off -------------------------------------------------------------- */

static void
test_timeout_backoff (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .retry_max_us = 100 * S };
  const gint64 low[] = { 15 * S, 30 * S, 50 * S, 50 * S };
  const gint64 high[] = { 30 * S, 60 * S, 100 * S, 100 * S };

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  for (guint round = 0; round < G_N_ELEMENTS (low); round++)
    {
      gint64 delay;

      /* Timer F. */
      tc_sip_clock_manual_advance (rf->sip.clock, 64 * T1 - 1);
      g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
      tc_sip_clock_manual_advance (rf->sip.clock, 1);
      g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
      g_assert_cmpuint (last_event (rf)->status, ==, 408);
      g_assert_cmpstr (last_event (rf)->cause, ==, "timeout");
      g_assert_false (last_event (rf)->has_message);
      delay = tc_registration_get_next_attempt (rf->reg) - now (rf);
      g_assert_cmpint (delay, >=, low[round]);
      g_assert_cmpint (delay, <=, high[round]);
      tc_sip_clock_manual_advance (rf->sip.clock, delay);
      g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
      run_main ();
    }
  g_assert_cmpuint (n_registers (rf), ==, G_N_ELEMENTS (low) + 1);

  /* Success resets the back-off. */
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 480, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg) - now (rf), <=, 30 * S);

  /* unregister() in error: no binding, so only the retry stops. */
  tc_registration_unregister (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, 0);
}

static void
test_transport_error (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { 0 };

  tc_sip_fake_transport_set_mode (rf->sip.transport, NULL, TC_SIP_FAKE_SEND_FAILED);
  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  tc_sip_clock_manual_advance (rf->sip.clock, 0); /* the stack reports the error from a timer */
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
  g_assert_cmpuint (last_event (rf)->status, ==, 503);
  g_assert_cmpstr (last_event (rf)->cause, ==, "transport-error");
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), >, now (rf));
}

/* ---- 7. rejections --------------------------------------------------------------------------------- */

static void
test_403_rejected (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { 0 };
  guint before;

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 403, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REJECTED);
  g_assert_cmpuint (last_event (rf)->status, ==, 403);
  g_assert_cmpstr (last_event (rf)->reason, ==, "Forbidden");
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, 0);
  before = n_registers (rf);
  tc_sip_clock_manual_advance (rf->sip.clock, 3600 * S);
  run_main ();
  g_assert_cmpuint (n_registers (rf), ==, before);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REJECTED);

  /* Only register() tries again; 404 and 604 are rejections too. */
  tc_registration_register (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  run_main ();
  answer (rf, 404, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REJECTED);
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 604, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REJECTED);
  tc_registration_unregister (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
}

static void
test_repeated_401 (RegFixture *rf, gconstpointer data)
{
  g_autoptr (TcSipDigestCache) cache = new_cache ();
  RegOptions opts = { .credentials = cache };

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 401, CHALLENGE ("n1"));
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_nonnull (hdr_of (rf, last_register (rf), "Authorization"));
  /* A new challenge to our answer to a fresh one: wrong credentials. */
  answer (rf, 401, CHALLENGE ("n2"));
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REJECTED);
  g_assert_cmpuint (last_event (rf)->status, ==, 401);
  g_assert_true (last_event (rf)->has_message);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, 0);
  g_assert_cmpuint (n_registers (rf), ==, 2);
}

/* ---- 8. unregister ------------------------------------------------------------------------------------- */

static void
test_unregister (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .instance_id = INSTANCE };
  guint reg_i, unreg_i;

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  reg_i = last_register (rf);
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=600;+sip.instance=\"<" INSTANCE ">\"\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);

  tc_registration_unregister (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERING);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, 0);
  /* register() while unregistering is ignored. */
  tc_registration_register (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERING);
  run_main ();
  unreg_i = last_register (rf);
  g_assert_cmpuint (unreg_i, >, reg_i);
  /* Only our binding, by its Contact, with expires=0. */
  g_assert_cmpstr (hdr_of (rf, unreg_i, "Contact"), ==, OUR_UDP_CONTACT ";+sip.instance=\"<" INSTANCE ">\";expires=0");
  g_assert_cmpuint (tc_sip_message_get_n_contacts (sent (&rf->sip, unreg_i)), ==, 1);
  g_assert_cmpstr (hdr_of (rf, unreg_i, "Expires"), ==, "0");
  g_assert_cmpstr (hdr_of (rf, unreg_i, "Call-ID"), ==, hdr_of (rf, reg_i, "Call-ID"));
  g_assert_cmpuint (cseq_of (rf, unreg_i), ==, cseq_of (rf, reg_i) + 1);
  answer (rf, 200, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpuint (last_event (rf)->status, ==, 200);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, 0);
  g_assert_null (tc_registration_get_contact (rf->reg));

  /* A removal that fails still ends unregistered. */
  register_ok (rf, 600);
  tc_registration_unregister (rf->reg);
  run_main ();
  tc_sip_clock_manual_advance (rf->sip.clock, 64 * T1);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpuint (last_event (rf)->status, ==, 408);
  g_assert_cmpstr (last_event (rf)->cause, ==, "timeout");
  tc_sip_clock_manual_advance (rf->sip.clock, 3600 * S);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
}

static void
test_unregister_in_flight (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .instance_id = INSTANCE };
  guint reg_i, unreg_i, n_events;

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  reg_i = last_register (rf);

  tc_registration_unregister (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERING);
  run_main ();
  unreg_i = last_register (rf);
  g_assert_cmpuint (unreg_i, >, reg_i);
  /* The Contact the REGISTER in flight carried, with expires=0. */
  g_assert_cmpstr (hdr_of (rf, unreg_i, "Contact"), ==, OUR_UDP_CONTACT ";+sip.instance=\"<" INSTANCE ">\";expires=0");
  g_assert_cmpstr (hdr_of (rf, unreg_i, "Expires"), ==, "0");
  g_assert_cmpstr (hdr_of (rf, unreg_i, "Call-ID"), ==, hdr_of (rf, reg_i, "Call-ID"));
  /* Past any CSeq the abandoned REGISTER may still use. */
  g_assert_cmpuint (cseq_of (rf, unreg_i), >, cseq_of (rf, reg_i) + 1);

  /* The abandoned REGISTER's 200 changes nothing. */
  n_events = rf->events->len;
  inject_response (&rf->sip, reg_i, 200, "reg", "Contact: " OUR_UDP_CONTACT ";expires=600\r\n");
  g_assert_cmpuint (rf->events->len, ==, n_events);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERING);
  inject_response (&rf->sip, unreg_i, 200, "reg", NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpint (tc_registration_get_next_attempt (rf->reg), ==, 0);
}

/* unregister() before the first REGISTER went out (still resolving): the
 * stack still sends it, so the removal follows it, with the Contact the
 * stack makes. */
static void
test_unregister_before_sent (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .instance_id = INSTANCE };
  gint reg_i = -1, unreg_i = -1;

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  tc_registration_unregister (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERING);
  g_assert_cmpuint (n_sent (&rf->sip), ==, 0);
  run_main ();
  g_assert_cmpuint (n_registers (rf), ==, 2);
  for (guint i = 0; i < n_sent (&rf->sip); i++)
    {
      if (g_strcmp0 (hdr_of (rf, i, "Expires"), "0") == 0)
        unreg_i = i;
      else
        reg_i = i;
    }
  g_assert_cmpint (reg_i, >=, 0);
  g_assert_cmpint (unreg_i, >=, 0);
  g_assert_cmpstr (hdr_of (rf, unreg_i, "Contact"), ==, OUR_UDP_CONTACT ";+sip.instance=\"<" INSTANCE ">\";expires=0");
  g_assert_cmpuint (cseq_of (rf, unreg_i), >, cseq_of (rf, reg_i) + 1);
  inject_response (&rf->sip, unreg_i, 200, "reg", NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  inject_response (&rf->sip, reg_i, 200, "reg", "Contact: " OUR_UDP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
}

/* ---- 9. the held flow ------------------------------------------------------------------------------------ */

/* Registered over TCP; returns the held connection. */
static TcSipFlow *
register_tcp (RegFixture *rf)
{
  TcSipFlow *flow;

  tc_registration_register (rf->reg);
  run_main ();
  g_assert_cmpstr (dest (&rf->sip, last_register (rf)), ==, "tcp:192.0.2.50:5060");
  answer (rf, 200, "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  flow = tc_registration_get_flow (rf->reg);
  g_assert_true (flow == tc_sip_fake_transport_get_sent (rf->sip.transport, last_register (rf))->flow);
  g_assert_cmpuint (tc_sip_flow_get_n_holds (flow), ==, 1);
  return flow;
}

static void
test_connection_lost (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .registrar = REGISTRAR_TCP, .instance_id = INSTANCE };
  g_autoptr (GError) cause = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "reset by peer");
  g_autoptr (TcSipFlow) first = NULL;
  const TcSipFakeSent *one;
  TcSipFlow *second;
  guint n_events;

  make_reg (rf, &opts);
  first = g_object_ref (register_tcp (rf));
  g_assert_cmpstr (hdr_of (rf, last_register (rf), "Contact"), ==, OUR_TCP_CONTACT ";+sip.instance=\"<" INSTANCE ">\"");

  /* The refresh goes over the held connection. */
  tc_registration_register (rf->reg);
  run_main ();
  one = tc_sip_fake_transport_get_sent (rf->sip.transport, last_register (rf));
  g_assert_false (one->has_target);
  g_assert_true (one->flow == first);
  answer (rf, 200, "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_cmpuint (tc_sip_flow_get_n_holds (first), ==, 1);

  /* The connection drops: connection-lost, then a new REGISTER at once
   * over a new connection. */
  n_events = rf->events->len;
  tc_sip_fake_transport_close_flow (rf->sip.transport, first, cause);
  g_assert_cmpuint (rf->lost->len, ==, 1);
  g_assert_cmpstr (rf->lost->pdata[0], ==, "transport-error tcp:192.0.2.50:5060"); /* closed with an error */
  g_assert_cmpuint (tc_sip_flow_get_n_holds (first), ==, 0);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpuint (rf->events->len, ==, n_events + 1);
  g_assert_cmpstr (last_event (rf)->cause, ==, "connection-lost");
  g_assert_cmpuint (last_event (rf)->status, ==, 503);
  run_main ();
  second = tc_sip_fake_transport_get_sent (rf->sip.transport, last_register (rf))->flow;
  g_assert_true (second != first);
  g_assert_false (tc_sip_flow_is_closed (second));
  answer (rf, 200, "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_true (tc_registration_get_flow (rf->reg) == second);
  g_assert_cmpuint (tc_sip_flow_get_n_holds (second), ==, 1);

  /* Unregistered: the hold is released. */
  tc_registration_unregister (rf->reg);
  run_main ();
  g_assert_true (tc_sip_fake_transport_get_sent (rf->sip.transport, last_register (rf))->flow == second);
  answer (rf, 200, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpuint (tc_sip_flow_get_n_holds (second), ==, 0);
  g_assert_null (tc_registration_get_flow (rf->reg));
  g_assert_cmpuint (rf->lost->len, ==, 1);
}

/* The connection drops under a refresh in flight: that REGISTER is
 * dropped and a new one goes over a new connection. */
static void
test_connection_lost_mid_refresh (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .registrar = REGISTRAR_TCP };
  g_autoptr (TcSipFlow) first = NULL;
  TcSipFlow *second;
  guint i, n_events;

  make_reg (rf, &opts);
  first = g_object_ref (register_tcp (rf));
  tc_registration_register (rf->reg);
  run_main ();
  i = last_register (rf);
  g_assert_true (tc_sip_fake_transport_get_sent (rf->sip.transport, i)->flow == first);
  n_events = rf->events->len;
  tc_sip_fake_transport_close_flow (rf->sip.transport, first, NULL);
  g_assert_cmpuint (rf->lost->len, ==, 1);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpuint (rf->events->len, ==, n_events);
  run_main ();
  g_assert_cmpuint (last_register (rf), >, i);
  g_assert_cmpuint (cseq_of (rf, last_register (rf)), >, cseq_of (rf, i));
  second = tc_sip_fake_transport_get_sent (rf->sip.transport, last_register (rf))->flow;
  g_assert_true (second != first);
  /* The old REGISTER's answer is not heard. */
  inject_response (&rf->sip, i, 200, "reg", "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  answer (rf, 200, "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_true (tc_registration_get_flow (rf->reg) == second);
  g_assert_cmpuint (tc_sip_flow_get_n_holds (second), ==, 1);
}

/* A refresh over the held flow that fails inside the stack's send call
 * (no local address for the Contact) is reported once, after it. */
static void
test_refresh_fails_at_once (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .registrar = REGISTRAR_TCP };
  guint before;

  make_reg (rf, &opts);
  register_ok (rf, 600);
  g_assert_nonnull (tc_registration_get_flow (rf->reg));
  before = n_registers (rf);
  tc_sip_fake_transport_set_sent_by (rf->sip.transport, NULL, 0);
  tc_registration_register (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
  g_assert_cmpuint (rf->events->len, ==, 4);
  g_assert_cmpint (g_array_index (rf->events, Event, 2).state, ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpstr (last_event (rf)->cause, ==, "transport-error");
  g_assert_cmpuint (last_event (rf)->status, ==, 503);
  g_assert_null (tc_registration_get_flow (rf->reg));
  g_assert_cmpuint (n_registers (rf), ==, before);

  /* The retry, with an address again, resolves and registers. */
  tc_sip_fake_transport_set_sent_by (rf->sip.transport, "192.0.2.1", 5060);
  tc_sip_clock_manual_advance (rf->sip.clock, tc_registration_get_next_attempt (rf->reg) - now (rf));
  run_main ();
  g_assert_cmpuint (n_registers (rf), ==, before + 1);
  answer (rf, 200, "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
}

static void
test_network_changed (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .registrar = REGISTRAR_TCP };
  g_autoptr (TcSipFlow) first = NULL;
  TcSipFlow *second;

  make_reg (rf, &opts);
  /* Nothing to renew while unregistered. */
  tc_registration_network_changed (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpuint (rf->events->len, ==, 0);

  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 200, "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  first = g_object_ref (tc_registration_get_flow (rf->reg));

  tc_registration_network_changed (rf->reg);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpstr (last_event (rf)->cause, ==, "network-changed");
  g_assert_true (tc_sip_flow_is_closed (first));
  g_assert_cmpuint (tc_sip_flow_get_n_holds (first), ==, 0);
  g_assert_cmpuint (rf->lost->len, ==, 0);
  run_main ();
  second = tc_sip_fake_transport_get_sent (rf->sip.transport, last_register (rf))->flow;
  g_assert_true (second != first);
  answer (rf, 200, "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_true (tc_registration_get_flow (rf->reg) == second);
}

/* ---- 10. a 200 without our Contact --------------------------------------------------------------------------- */

static void
test_no_contact (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .instance_id = INSTANCE };
  gint64 delay;

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 200, "Contact: <sip:alice@198.51.100.9:5070>;expires=3000\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
  g_assert_cmpuint (last_event (rf)->status, ==, 200);
  g_assert_cmpstr (last_event (rf)->cause, ==, "no-binding");
  g_assert_null (tc_registration_get_contact (rf->reg));
  delay = tc_registration_get_next_attempt (rf->reg) - now (rf);
  g_assert_cmpint (delay, >=, 15 * S);
  g_assert_cmpint (delay, <=, 30 * S);

  /* Nor one with our Contact at expires=0. */
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=0\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
}

/* ---- 11. the window of registrations in progress ------------------------------------------------------------- */

/* bob, with alice's window and nothing else. */
static TcRegistration *
make_bob (RegFixture *rf, TcRegistrationWindow *window)
{
  TcRegistrationConfig config;

  tc_registration_config_init (&config);
  config.aor = "sip:bob@example.test";
  config.registrar = REGISTRAR_UDP;
  config.contact_user = "bob";
  config.window = window;
  return tc_registration_new (rf->sip.stack, &config);
}

static gboolean
last_register_is_bobs (RegFixture *rf)
{
  return g_str_has_prefix (hdr_of (rf, last_register (rf), "From"), "<sip:bob@");
}

static void
test_window (RegFixture *rf, gconstpointer data)
{
  g_autoptr (TcRegistrationWindow) window = tc_registration_window_new (1, rf->sip.clock);
  g_autoptr (TcSipDigestCache) cache = new_cache ();
  RegOptions opts = { .window = window, .credentials = cache };
  g_autoptr (TcRegistration) bob = NULL;

  make_reg (rf, &opts);
  bob = make_bob (rf, window);
  tc_registration_register (rf->reg);
  run_main ();
  g_assert_cmpuint (tc_registration_window_get_used (window), ==, 1);

  /* bob waits his turn, without a REGISTER or a state change. */
  tc_registration_register (bob);
  tc_registration_register (bob);
  run_main ();
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 1);
  g_assert_cmpuint (n_registers (rf), ==, 1);

  /* A challenge is answered within alice's turn: bob still waits. */
  answer (rf, 401, CHALLENGE ("n1"));
  g_assert_cmpuint (n_registers (rf), ==, 2);
  g_assert_false (last_register_is_bobs (rf));
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 1);

  /* alice registered: bob goes, from the clock (not from inside alice's
   * state change). */
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=600\r\n");
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  tc_sip_clock_manual_advance (rf->sip.clock, 0);
  run_main ();
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpuint (n_registers (rf), ==, 3);
  g_assert_true (last_register_is_bobs (rf));
  g_assert_cmpuint (tc_registration_window_get_used (window), ==, 1);
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 0);

  /* alice's renewal waits for bob's outcome, and she stays registered. */
  tc_registration_register (rf->reg);
  run_main ();
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERED);
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 1);
  g_assert_cmpuint (n_registers (rf), ==, 3);

  /* bob fails: alice's turn. */
  inject_response (&rf->sip, last_register (rf), 503, "reg", NULL);
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_ERROR);
  tc_sip_clock_manual_advance (rf->sip.clock, 0);
  run_main ();
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpuint (n_registers (rf), ==, 4);
  g_assert_false (last_register_is_bobs (rf));
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=600\r\n");
  tc_sip_clock_manual_advance (rf->sip.clock, 0);
  g_assert_cmpuint (tc_registration_window_get_used (window), ==, 0);

  /* Leaving while waiting: bob's retry, unregistered before its turn,
   * never goes; the slot it would have had is free. */
  tc_registration_register (rf->reg); /* alice refreshes: the slot is hers */
  run_main ();
  tc_registration_register (bob);
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 1);
  tc_registration_unregister (bob);
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 0);
  answer (rf, 200, "Contact: " OUR_UDP_CONTACT ";expires=600\r\n");
  tc_sip_clock_manual_advance (rf->sip.clock, 0);
  run_main ();
  g_assert_cmpuint (n_registers (rf), ==, 5);
  g_assert_false (last_register_is_bobs (rf));
  g_assert_cmpuint (tc_registration_window_get_used (window), ==, 0);

  /* Held (the manager's start-up): nobody goes, free slots or not, until
   * released. */
  tc_registration_window_hold (window, TRUE);
  tc_registration_register (bob);
  tc_sip_clock_manual_advance (rf->sip.clock, 0);
  run_main ();
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  g_assert_cmpuint (tc_registration_window_get_used (window), ==, 0);
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 1);
  tc_registration_window_hold (window, FALSE);
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_UNREGISTERED);
  tc_sip_clock_manual_advance (rf->sip.clock, 0);
  run_main ();
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_REGISTERING);
  g_assert_true (last_register_is_bobs (rf));
  inject_response (&rf->sip, last_register (rf), 503, "reg", NULL);
  g_assert_cmpint (tc_registration_get_state (bob), ==, TC_REGISTRATION_STATE_ERROR);
  g_assert_cmpuint (tc_registration_window_get_used (window), ==, 0);

  /* Disposed while waiting: out of the queue. */
  tc_registration_register (rf->reg);
  tc_registration_register (bob);
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&bob));
  g_assert_cmpuint (tc_registration_window_get_waiting (window), ==, 0);
}

/* ---- 12. disposal --------------------------------------------------------------------------------------------- */

static void
test_dispose_mid_flight (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { .registrar = REGISTRAR_TCP };
  g_autoptr (TcSipFlow) flow = NULL;
  guint i;

  make_reg (rf, &opts);
  register_ok (rf, 600);
  flow = g_object_ref (tc_registration_get_flow (rf->reg));
  g_assert_cmpuint (tc_sip_flow_get_n_holds (flow), ==, 1);
  tc_registration_register (rf->reg);
  run_main ();
  i = last_register (rf);

  g_assert_finalize_object (g_steal_pointer (&rf->reg));
  rf->disposed = TRUE;
  g_assert_cmpuint (tc_sip_flow_get_n_holds (flow), ==, 0);
  /* No handler runs: not for the response, the clock or the flow. */
  inject_response (&rf->sip, i, 200, "reg", "Contact: " OUR_TCP_CONTACT ";expires=600\r\n");
  tc_sip_fake_transport_close_flow (rf->sip.transport, flow, NULL);
  tc_sip_clock_manual_advance (rf->sip.clock, 3600 * S);
  run_main ();
}

static void
test_dispose_retrying (RegFixture *rf, gconstpointer data)
{
  RegOptions opts = { 0 };

  make_reg (rf, &opts);
  tc_registration_register (rf->reg);
  run_main ();
  answer (rf, 503, NULL);
  g_assert_cmpint (state (rf), ==, TC_REGISTRATION_STATE_ERROR);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (rf->sip.clock), >, 0);
  g_assert_finalize_object (g_steal_pointer (&rf->reg));
  rf->disposed = TRUE;
  tc_sip_clock_manual_advance (rf->sip.clock, 3600 * S);
  run_main ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/core/registration/" path, RegFixture, NULL, reg_setup, func, reg_teardown)
  ADD ("digest-contact-expires", test_digest_contact_expires);
  ADD ("expires-header", test_expires_header);
  ADD ("gruu-service-route", test_gruu_service_route);
  ADD ("refresh-window", test_refresh_window);
  ADD ("423-min-expires", test_423);
  ADD ("503-retry-after", test_503_retry_after);
  ADD ("timeout-backoff", test_timeout_backoff);
  ADD ("transport-error", test_transport_error);
  ADD ("403-rejected", test_403_rejected);
  ADD ("repeated-401", test_repeated_401);
  ADD ("unregister", test_unregister);
  ADD ("unregister-in-flight", test_unregister_in_flight);
  ADD ("unregister-before-sent", test_unregister_before_sent);
  ADD ("connection-lost", test_connection_lost);
  ADD ("connection-lost-mid-refresh", test_connection_lost_mid_refresh);
  ADD ("refresh-fails-at-once", test_refresh_fails_at_once);
  ADD ("network-changed", test_network_changed);
  ADD ("no-contact", test_no_contact);
  ADD ("window", test_window);
  ADD ("dispose-mid-flight", test_dispose_mid_flight);
  ADD ("dispose-retrying", test_dispose_retrying);
#undef ADD

  return g_test_run ();
}
