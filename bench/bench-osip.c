/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-osip.c — the parse benchmark for GNU oSIP (libosipparser2).
 *
 * One iteration: osip_message_init() + osip_message_parse() (copies the
 * bytes, then parses every header it knows — Via, From, To, Contact,
 * Call-ID, CSeq, Record-Route, Content-Type, Authorization, Allow… — into
 * malloc'd structures with their URIs and parameters, keeps the others as
 * name/value strings, and copies the body into an osip_body_t), reading the
 * values with oSIP's getters, then osip_message_free().  oSIP hands out
 * NUL-terminated copies, so "reading" a string is a strlen() here, and the
 * CSeq number is a string that the UA converts with strtoul(), as the
 * others hand out an integer.  parser_init() is called once.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>

static char branch_name[] = "branch";

static void
osip_bench_init (void)
{
  if (parser_init () != 0)
    {
      fprintf (stderr, "bench-osip: parser_init() failed\n");
      abort ();
    }
}

static BenchStr
param_value (osip_generic_param_t *param)
{
  return param ? bench_cstr (param->gvalue) : bench_str (NULL, 0);
}

static int
osip_run (const BenchMessage *m, BenchFields *f, int check, char *err, size_t err_len)
{
  osip_message_t *sip = NULL;
  osip_via_t *via = NULL;
  osip_generic_param_t *param;
  osip_contact_t *contact = NULL;
  osip_call_id_t *call_id;
  osip_cseq_t *cseq;
  char call_id_buf[512];
  int e;

  if (osip_message_init (&sip) != 0)
    {
      snprintf (err, err_len, "osip_message_init() failed");
      return -1;
    }
  e = osip_message_parse (sip, (const char *) m->data, m->len);
  if (e != 0)
    {
      snprintf (err, err_len, "osip_message_parse() failed: %d", e);
      osip_message_free (sip);
      return -1;
    }
  call_id = osip_message_get_call_id (sip);
  cseq = osip_message_get_cseq (sip);
  if (osip_message_get_via (sip, 0, &via) < 0 || !via || !sip->from || !sip->to || !call_id || !cseq || !cseq->number)
    {
      snprintf (err, err_len, "a mandatory header is missing");
      osip_message_free (sip);
      return -1;
    }

  f->is_request = MSG_IS_REQUEST (sip);
  if (f->is_request)
    f->method = bench_cstr (sip->sip_method);
  else
    f->status = (unsigned) sip->status_code;
  param = NULL;
  osip_via_param_get_byname (via, branch_name, &param);
  f->via_branch = param_value (param);
  param = NULL;
  osip_from_get_tag (sip->from, &param);
  f->from_tag = param_value (param);
  param = NULL;
  osip_to_get_tag (sip->to, &param);
  f->to_tag = param_value (param);
  /* oSIP splits the Call-ID at '@' into number and host. */
  f->call_id = bench_cstr (call_id->number);
  if (call_id->host)
    f->call_id.len += 1 + strlen (call_id->host);
  f->cseq = (uint32_t) strtoul (cseq->number, NULL, 10);
  f->cseq_method = bench_cstr (cseq->method);
  f->contact = bench_str (NULL, 0);
  f->contact_host = bench_str (NULL, 0);
  /* oSIP keeps the Contact URI decoded only (osip_uri_t): read its host. */
  if (osip_message_get_contact (sip, 0, &contact) >= 0 && contact && contact->url)
    f->contact = f->contact_host = bench_cstr (contact->url->host);

  if (check)
    {
      if (call_id->host)
        {
          snprintf (call_id_buf, sizeof call_id_buf, "%s@%s", call_id->number, call_id->host);
          f->call_id = bench_cstr (call_id_buf);
        }
      bench_print_fields (m, f);
    }
  osip_message_free (sip);
  return 0;
}

int
main (int argc, char **argv)
{
  static const BenchParser parser = {
    .name = "osip",
    .init = osip_bench_init,
    .run = osip_run,
  };

  return bench_main (&parser, argc, argv);
}
