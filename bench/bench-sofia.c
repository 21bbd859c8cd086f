/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-sofia.c — the parse benchmark for sofia-sip (libsofia-sip-ua).
 *
 * One iteration: msg_make() (copies the bytes into a new msg_t and runs
 * msg_extract(), which calls the parse function of every header the default
 * SIP mclass knows: Via, From/To, Contact, CSeq, Authorization… are parsed
 * into their structs then, URLs decoded), then reads the values from the
 * sip_t, then msg_destroy().  sofia-sip does not parse lazily on this path;
 * to be sure that nothing was skipped or only half parsed, each iteration
 * also rejects the message if msg_make() flagged an error (MSG_FLG_ERROR) or
 * put any header into sip_error (the list of headers that failed to parse).
 */
#include "bench.h"

#include <stdio.h>
#include <string.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

static int
sofia_run (const BenchMessage *m, BenchFields *f, int check, char *err, size_t err_len)
{
  msg_t *msg = msg_make (sip_default_mclass (), 0, m->data, (ssize_t) m->len);
  sip_t *sip;
  int ret = -1;

  if (!msg)
    {
      snprintf (err, err_len, "msg_make() returned NULL");
      return -1;
    }
  sip = sip_object (msg);
  if (!sip || msg_has_error (msg) || (sip->sip_flags & MSG_FLG_ERROR))
    {
      snprintf (err, err_len, "msg_make() flagged a parse error (msg_flags 0x%x)", sip ? (unsigned) sip->sip_flags : 0);
      goto out;
    }
  if (sip->sip_error)
    {
      snprintf (err, err_len, "header %s failed to parse",
                sip->sip_error->er_name ? sip->sip_error->er_name : "(unnamed)");
      goto out;
    }
  if (!sip->sip_via || !sip->sip_from || !sip->sip_to || !sip->sip_call_id || !sip->sip_cseq)
    {
      snprintf (err, err_len, "a mandatory header is missing");
      goto out;
    }

  f->is_request = sip->sip_request != NULL;
  if (sip->sip_request)
    f->method = bench_cstr (sip->sip_request->rq_method_name);
  else if (sip->sip_status)
    f->status = (unsigned) sip->sip_status->st_status;
  f->via_branch = bench_cstr (sip->sip_via->v_branch);
  f->from_tag = bench_cstr (sip->sip_from->a_tag);
  f->to_tag = bench_cstr (sip->sip_to->a_tag);
  f->call_id = bench_cstr (sip->sip_call_id->i_id);
  f->cseq = sip->sip_cseq->cs_seq;
  f->cseq_method = bench_cstr (sip->sip_cseq->cs_method_name);
  /* sofia keeps the Contact URI decoded only (url_t): read its host. */
  f->contact = sip->sip_contact ? bench_cstr (sip->sip_contact->m_url->url_host) : bench_str (NULL, 0);

  if (check)
    {
      f->contact_host = f->contact;
      bench_print_fields (m, f);
    }
  ret = 0;

out:
  msg_destroy (msg);
  return ret;
}

int
main (int argc, char **argv)
{
  static const BenchParser parser = {
    .name = "sofia-sip",
    .run = sofia_run,
  };

  return bench_main (&parser, argc, argv);
}
