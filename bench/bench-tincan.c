/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-tincan.c — the parse benchmark for Tincan's SIP message layer.
 *
 * Tincan takes a received datagram as a GBytes and keeps a reference to it
 * (zero copy, style.md B9), so the GBytes is made once per corpus message,
 * outside the timed loop — as libre gets its mbuf.  One iteration:
 * tc_sip_message_parse_datagram() (start line; every header split,
 * identified and validated against its grammar; Via, From, To, Call-ID,
 * CSeq, Contact, Route, Record-Route, Max-Forwards, Expires, Content-Type
 * and Content-Length parsed into their structs; Content-Length checked
 * against the datagram), reading the values through the typed getters, then
 * tc_sip_message_unref().  The Contact URI is handed out as the validated
 * URI text (a view); --check also parses it (tc_sip_uri_parse) to print its
 * host, outside the timed loop.
 */
#include "bench.h"

#include <stdio.h>

#include "sip/parser.h"

static void *
tincan_prepare (const BenchMessage *m)
{
  return g_bytes_new (m->data, m->len);
}

static void
tincan_release (void *input)
{
  g_bytes_unref (input);
}

static BenchStr
view (TcSipStr s)
{
  return bench_str (s.str, s.len);
}

static int
tincan_run (const BenchMessage *m, BenchFields *f, int check, char *err, size_t err_len)
{
  GError *error = NULL;
  TcSipMessage *msg = tc_sip_message_parse_datagram (m->input, NULL, &error);
  const TcSipVia *via;
  const TcSipNameAddr *from, *to;
  const TcSipCSeq *cseq;
  const TcSipContact *contact;
  TcSipUri *uri = NULL;

  if (!msg)
    {
      snprintf (err, err_len, "tc_sip_message_parse_datagram() failed: %s (status %u)",
                error ? error->message : "no error set", error ? tc_sip_error_get_status (error) : 0);
      g_clear_error (&error);
      return -1;
    }
  via = tc_sip_message_get_via (msg, 0);
  from = tc_sip_message_get_from (msg);
  to = tc_sip_message_get_to (msg);
  cseq = tc_sip_message_get_cseq (msg);
  if (!via || !from || !to || !cseq)
    {
      snprintf (err, err_len, "a mandatory header is missing");
      tc_sip_message_unref (msg);
      return -1;
    }

  f->is_request = tc_sip_message_is_request (msg);
  if (f->is_request)
    f->method = view (tc_sip_message_get_method_name (msg));
  else
    f->status = tc_sip_message_get_status (msg);
  f->via_branch = view (via->branch);
  f->from_tag = view (from->tag);
  f->to_tag = view (to->tag);
  f->call_id = view (tc_sip_message_get_call_id (msg));
  f->cseq = cseq->seq;
  f->cseq_method = view (cseq->method);
  contact = tc_sip_message_get_contact (msg, 0);
  f->contact = contact ? view (contact->addr.uri) : bench_str (NULL, 0);

  if (check)
    {
      f->contact_host = bench_str (NULL, 0);
      if (contact && contact->addr.uri.str)
        {
          uri = tc_sip_uri_parse (contact->addr.uri.str, (gssize) contact->addr.uri.len, &error);
          if (!uri)
            {
              snprintf (err, err_len, "Contact URI does not parse: %s", error->message);
              g_clear_error (&error);
              tc_sip_message_unref (msg);
              return -1;
            }
          f->contact_host = bench_cstr (tc_sip_uri_get_host (uri));
        }
      bench_print_fields (m, f);
      g_clear_pointer (&uri, tc_sip_uri_unref);
    }
  tc_sip_message_unref (msg);
  return 0;
}

int
main (int argc, char **argv)
{
  static const BenchParser parser = {
    .name = "tincan",
    .prepare = tincan_prepare,
    .release = tincan_release,
    .run = tincan_run,
  };

  return bench_main (&parser, argc, argv);
}
