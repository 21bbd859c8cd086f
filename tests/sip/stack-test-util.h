/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stack-test-util.h — the harness of test-stack.c and test-stack-dialog.c:
 * a TcSipStack on a manual clock, the fake transport and a fake resolver,
 * what each request's handlers saw (Outcome), what the stack handlers saw
 * (Fixture), and helpers to read what went on the wire and to answer it.
 */
#pragma once

#include <string.h>

#include "fake-resolver.h"
#include "fake-transport.h"
#include "sip/builder.h"
#include "sip/sip-error.h"
#include "sip/stack.h"
#include "sip/timers.h"

#define T1 TC_SIP_DEFAULT_T1
#define T2 TC_SIP_DEFAULT_T2

/* What the handlers of one request saw. */
typedef struct {
  TcSipRequest *request;
  guint n_provisional, n_redirected, n_build_ack, n_final;
  GPtrArray *dialogs; /* TcSipDialog (or NULL) of each provisional call */
  char *redirect_target;
  const char *ack_body; /* build_ack adds it as an application/sdp body */
  guint final_status;   /* 0: no response */
  char *final_retry_after;
  TcSipDialog *final_dialog;
  GError *final_error;
} Outcome;

typedef struct {
  TcSipClock *clock;
  TcSipFakeTransport *transport;
  FakeResolver *dns;
  TcSipResolver *resolver;
  TcSipStack *stack;
  TcSipFlow *peer; /* UDP flow from 192.0.2.90:5060, where UAS requests come from */
  GPtrArray *strings;

  /* the stack handlers */
  GPtrArray *incoming; /* TcSipIncoming */
  guint n_cancelled, n_ack, n_ack_timeout;
  char *ack_body;
  gboolean stack_gone; /* set at teardown: no handler may run after */
} Fixture;

static inline void
run_main (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static inline const char *
keep (Fixture *f, char *text)
{
  if (text)
    g_ptr_array_add (f->strings, text);
  return text;
}

static inline guint
n_sent (Fixture *f)
{
  return tc_sip_fake_transport_get_n_sent (f->transport);
}

static inline TcSipMessage *
sent (Fixture *f, guint i)
{
  g_assert_cmpuint (i, <, n_sent (f));
  g_assert_nonnull (tc_sip_fake_transport_get_sent (f->transport, i)->message);
  return tc_sip_fake_transport_get_sent (f->transport, i)->message;
}

/* Where send @i went: "udp:192.0.2.50:5060", to a target or over a flow. */
static inline const char *
dest (Fixture *f, guint i)
{
  const TcSipFakeSent *one;
  TcSipTarget target;
  const char *text;

  g_assert_cmpuint (i, <, n_sent (f));
  one = tc_sip_fake_transport_get_sent (f->transport, i);
  if (one->has_target)
    return keep (f, tc_sip_target_to_string (&one->target));
  tc_sip_target_init (&target, tc_sip_flow_get_transport_type (one->flow), tc_sip_flow_get_remote_address (one->flow),
                      NULL);
  text = keep (f, tc_sip_target_to_string (&target));
  tc_sip_target_clear (&target);
  return text;
}

/* The first @name header's value, or NULL. */
static inline const char *
hdr (Fixture *f, TcSipMessage *m, const char *name)
{
  TcSipStr value = tc_sip_message_get_header_value (m, name);

  return value.str ? keep (f, g_strndup (value.str, value.len)) : NULL;
}

static inline const char *
ruri (Fixture *f, TcSipMessage *m)
{
  TcSipStr text = tc_sip_message_get_request_uri_text (m);

  return keep (f, g_strndup (text.str, text.len));
}

static inline const char *
branch (Fixture *f, TcSipMessage *m)
{
  return keep (f, tc_sip_str_dup (tc_sip_message_get_via (m, 0)->branch));
}

static inline const char *
body (Fixture *f, TcSipMessage *m)
{
  return keep (f, tc_sip_str_dup (tc_sip_message_get_body (m)));
}

/* Index of the last send of @method from @from on, or -1. */
static inline gint
find_sent (Fixture *f, TcSipMethod method, guint from)
{
  gint found = -1;

  for (guint i = from; i < n_sent (f); i++)
    if (tc_sip_message_is_request (sent (f, i)) && tc_sip_message_get_method (sent (f, i)) == method)
      found = i;
  return found;
}

/* Number of sends of @status responses from @from on. */
static inline guint
count_status (Fixture *f, guint status, guint from)
{
  guint n = 0;

  for (guint i = from; i < n_sent (f); i++)
    if (!tc_sip_message_is_request (sent (f, i)) && tc_sip_message_get_status (sent (f, i)) == status)
      n++;
  return n;
}

static inline void
add_headers (TcSipMessageBuilder *builder, const char *extra)
{
  g_auto (GStrv) lines = g_strsplit (extra ? extra : "", "\r\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (!*lines[i])
        continue;
      g_assert_nonnull (colon);
      *colon = '\0';
      tc_sip_message_builder_add_header (builder, lines[i], g_strchug (colon + 1));
    }
}

/* Delivers a @status response to send @i (its To tag @to_tag, plus the
 * "Name: value\r\n" headers of @extra) over the flow @i went out on. */
static inline void
inject_response (Fixture *f, guint i, guint status, const char *to_tag, const char *extra)
{
  TcSipMessageBuilder *builder = tc_sip_message_builder_new_response_to (sent (f, i), status, NULL, to_tag);
  g_autoptr (TcSipMessage) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gsize len;
  const char *data;

  add_headers (builder, extra);
  response = tc_sip_message_builder_end (builder, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (tc_sip_message_to_bytes (response), &len);
  text = g_strndup (data, len);
  tc_sip_fake_transport_inject (f->transport, tc_sip_fake_transport_get_sent (f->transport, i)->flow, text);
}

/* An incoming request from the peer (192.0.2.90) to alice, in Call-ID "uas-1". */
static inline void
inject_request (Fixture *f, const char *method, const char *via_branch, const char *to_tag, guint cseq,
                const char *extra)
{
  g_autofree char *text =
    g_strdup_printf ("%s sip:alice@192.0.2.1 SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP 192.0.2.90:5060;branch=%s;rport\r\n"
                     "Max-Forwards: 70\r\n"
                     "From: <sip:bob@example.test>;tag=bt\r\n"
                     "To: <sip:alice@example.test>%s%s\r\n"
                     "Call-ID: uas-1\r\n"
                     "CSeq: %u %s\r\n"
                     "%s"
                     "Content-Length: 0\r\n\r\n",
                     method, via_branch, to_tag ? ";tag=" : "", to_tag ? to_tag : "", cseq, method, extra ? extra : "");

  tc_sip_fake_transport_inject (f->transport, f->peer, text);
}

/* ---- request handlers ------------------------------------------------------------- */

static inline void
on_provisional (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, gpointer user_data)
{
  Outcome *out = user_data;

  g_assert_true (request == out->request);
  g_assert_cmpuint (out->n_final, ==, 0);
  out->n_provisional++;
  g_ptr_array_add (out->dialogs, dialog ? tc_sip_dialog_ref (dialog) : NULL);
}

static inline void
on_redirected (TcSipRequest *request, TcSipMessage *response, const TcSipUri *target, gpointer user_data)
{
  Outcome *out = user_data;

  g_assert_cmpuint (out->n_final, ==, 0);
  out->n_redirected++;
  g_free (out->redirect_target);
  out->redirect_target = tc_sip_uri_to_string (target);
}

static inline void
on_build_ack (TcSipRequest *request, TcSipMessage *response, TcSipMessageBuilder *ack, gpointer user_data)
{
  Outcome *out = user_data;

  g_assert_cmpuint (out->n_final, ==, 0);
  out->n_build_ack++;
  if (out->ack_body)
    tc_sip_message_builder_set_body (ack, "application/sdp", out->ack_body, strlen (out->ack_body));
}

static inline void
on_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error, gpointer user_data)
{
  Outcome *out = user_data;

  g_assert_true (request == out->request);
  g_assert_cmpuint (out->n_final, ==, 0);
  g_assert_true (response || error);
  out->n_final++;
  out->final_status = response ? tc_sip_message_get_status (response) : 0;
  if (response && tc_sip_message_get_header_value (response, "Retry-After").str)
    out->final_retry_after = tc_sip_str_dup (tc_sip_message_get_header_value (response, "Retry-After"));
  out->final_dialog = dialog ? tc_sip_dialog_ref (dialog) : NULL;
  out->final_error = error ? g_error_copy (error) : NULL;
}

static inline void
outcome_clear (Outcome *out)
{
  g_clear_pointer (&out->request, tc_sip_request_unref);
  g_clear_pointer (&out->dialogs, g_ptr_array_unref);
  g_clear_pointer (&out->redirect_target, g_free);
  g_clear_pointer (&out->final_retry_after, g_free);
  g_clear_pointer (&out->final_dialog, tc_sip_dialog_unref);
  g_clear_error (&out->final_error);
  *out = (Outcome){ 0 };
}

static inline TcSipMessageBuilder *
new_request (Fixture *f, const char *method, const char *uri)
{
  g_autoptr (GError) error = NULL;
  TcSipMessageBuilder *builder =
    tc_sip_stack_new_request (f->stack, method, uri, "<sip:alice@example.test>", "<sip:bob@example.test>", &error);

  g_assert_no_error (error);
  return builder;
}

static inline void
dialog_unref0 (gpointer dialog)
{
  if (dialog)
    tc_sip_dialog_unref (dialog);
}

static inline void
send_request (Fixture *f, TcSipDialog *dialog, TcSipMessageBuilder *builder, const TcSipRequestOptions *options,
              Outcome *out)
{
  const TcSipRequestHandlers handlers = {
    .provisional = on_provisional,
    .redirected = on_redirected,
    .build_ack = on_build_ack,
    .final = on_final,
  };
  g_autoptr (GError) error = NULL;

  out->dialogs = g_ptr_array_new_with_free_func (dialog_unref0);
  out->request = tc_sip_stack_send_request (f->stack, dialog, builder, options, &handlers, out, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out->request);
}

static inline void
send_simple (Fixture *f, const char *method, const char *uri, const TcSipRequestOptions *options, Outcome *out)
{
  send_request (f, NULL, new_request (f, method, uri), options, out);
}

/* ---- stack handlers ------------------------------------------------------------------ */

static inline void
on_request (TcSipStack *stack, TcSipIncoming *incoming, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->stack_gone);
  g_ptr_array_add (f->incoming, tc_sip_incoming_ref (incoming));
}

static inline void
on_cancelled (TcSipStack *stack, TcSipIncoming *invite, TcSipMessage *cancel, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->stack_gone);
  g_assert_true (tc_sip_incoming_is_answered (invite));
  g_assert_cmpint (tc_sip_message_get_method (cancel), ==, TC_SIP_METHOD_CANCEL);
  f->n_cancelled++;
}

static inline void
on_ack (TcSipStack *stack, TcSipDialog *dialog, TcSipMessage *ack, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->stack_gone);
  g_assert_nonnull (dialog);
  f->n_ack++;
  g_free (f->ack_body);
  f->ack_body = tc_sip_str_dup (tc_sip_message_get_body (ack));
}

static inline void
on_ack_timeout (TcSipStack *stack, TcSipDialog *dialog, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->stack_gone);
  g_assert_nonnull (dialog);
  f->n_ack_timeout++;
}

static inline void
set_stack_handlers (Fixture *f, gboolean with_request)
{
  const TcSipStackHandlers handlers = {
    .request = with_request ? on_request : NULL,
    .cancelled = on_cancelled,
    .ack = on_ack,
    .ack_timeout = on_ack_timeout,
  };

  tc_sip_stack_set_handlers (f->stack, &handlers, f);
}

/* ---- fixture ------------------------------------------------------------------------- */

static inline void
fixture_setup (Fixture *f, gconstpointer data)
{
  TcSipStackConfig config;

  f->clock = tc_sip_clock_new_manual (0);
  f->transport = tc_sip_fake_transport_new ();
  f->dns = fake_resolver_new ();
  fake_resolver_add_host (f->dns, "a.example.test", "192.0.2.11");
  fake_resolver_add_host (f->dns, "b.example.test", "192.0.2.12");
  fake_resolver_add_srv (f->dns, "_sip._udp.example.test", "10 0 5060 a.example.test, 20 0 5062 b.example.test");
  f->resolver = tc_sip_resolver_new (G_RESOLVER (f->dns), f->clock);
  tc_sip_stack_config_init (&config);
  config.user_agent = "Tincan-Test/1";
  f->stack = tc_sip_stack_new (TC_SIP_TRANSPORT (f->transport), f->resolver, f->clock, &config);
  f->peer = tc_sip_fake_transport_new_flow (f->transport, TC_SIP_TRANSPORT_UDP, "192.0.2.90", 5060);
  f->strings = g_ptr_array_new_with_free_func (g_free);
  f->incoming = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_incoming_unref);
  set_stack_handlers (f, TRUE);
}

static inline void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->incoming, g_ptr_array_unref);
  f->stack_gone = TRUE;
  if (f->stack)
    g_assert_finalize_object (f->stack);
  run_main ();
  g_clear_object (&f->peer);
  g_assert_finalize_object (f->resolver);
  g_assert_finalize_object (f->dns);
  g_assert_finalize_object (f->transport);
  tc_sip_clock_unref (f->clock);
  g_ptr_array_unref (f->strings);
  g_free (f->ack_body);
}
