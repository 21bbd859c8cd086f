/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-libre.c — the parse benchmark for libre (baresip's SIP stack).
 *
 * libre takes a received datagram as a struct mbuf and parses it in place
 * (sip_msg_decode() keeps a reference to the mbuf; values are struct pl
 * views into it), so the mbuf is made once per corpus message, outside the
 * timed loop, and only its read position is rewound per iteration — as
 * Tincan gets its GBytes.  One iteration: sip_msg_decode() (start line,
 * request URI, every header line split and hashed; Via (first), From, To,
 * CSeq, Content-Type decoded; Call-ID, Max-Forwards, Expires,
 * Content-Length kept raw), reading the values, and — since libre does not
 * decode Contact on its own — sip_msg_hdr(SIP_HDR_CONTACT) +
 * sip_addr_decode(), as a libre UA does; then mem_deref().  The other
 * headers (Authorization, Allow, Supported, Event, Subscription-State…) are
 * left as raw name/value views and are not validated.  libre's UDP receive
 * path (udp_recv_handler in src/sip/transp.c) does nothing more than
 * sip_msg_decode() either (no Content-Length check).
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

static void
libre_bench_init (void)
{
  int err = libre_init ();

  if (err)
    {
      fprintf (stderr, "bench-libre: libre_init() failed: %d\n", err);
      abort ();
    }
}

static void *
libre_prepare (const BenchMessage *m)
{
  struct mbuf *mb = mbuf_alloc (m->len);

  if (!mb || mbuf_write_mem (mb, m->data, m->len) != 0)
    abort ();
  mb->pos = 0;
  return mb;
}

static void
libre_release (void *input)
{
  mem_deref (input);
}

static BenchStr
pl_view (const struct pl *pl)
{
  return pl_isset (pl) ? bench_str (pl->p, pl->l) : bench_str (NULL, 0);
}

static int
libre_run (const BenchMessage *m, BenchFields *f, int check, char *err, size_t err_len)
{
  struct mbuf *mb = m->input;
  struct sip_msg *msg = NULL;
  const struct sip_hdr *hdr;
  struct sip_addr contact;
  int e;

  mb->pos = 0;
  e = sip_msg_decode (&msg, mb);
  if (e)
    {
      snprintf (err, err_len, "sip_msg_decode() failed: %s (%d)", strerror (e), e);
      return -1;
    }
  if (!pl_isset (&msg->via.branch) || !pl_isset (&msg->from.auri) || !pl_isset (&msg->to.auri) ||
      !pl_isset (&msg->callid) || !pl_isset (&msg->cseq.met))
    {
      snprintf (err, err_len, "a mandatory header is missing");
      mem_deref (msg);
      return -1;
    }

  f->is_request = msg->req;
  if (msg->req)
    f->method = pl_view (&msg->met);
  else
    f->status = msg->scode;
  f->via_branch = pl_view (&msg->via.branch);
  f->from_tag = pl_view (&msg->from.tag);
  f->to_tag = pl_view (&msg->to.tag);
  f->call_id = pl_view (&msg->callid);
  f->cseq = msg->cseq.num;
  f->cseq_method = pl_view (&msg->cseq.met);
  f->contact = bench_str (NULL, 0);
  f->contact_host = bench_str (NULL, 0);
  hdr = sip_msg_hdr (msg, SIP_HDR_CONTACT);
  if (hdr)
    {
      e = sip_addr_decode (&contact, &hdr->val);
      if (e)
        {
          snprintf (err, err_len, "sip_addr_decode(Contact) failed: %s (%d)", strerror (e), e);
          mem_deref (msg);
          return -1;
        }
      f->contact = pl_view (&contact.auri);
      f->contact_host = pl_view (&contact.uri.host);
    }

  if (check)
    bench_print_fields (m, f);
  mem_deref (msg);
  return 0;
}

int
main (int argc, char **argv)
{
  static const BenchParser parser = {
    .name = "libre",
    .init = libre_bench_init,
    .prepare = libre_prepare,
    .release = libre_release,
    .run = libre_run,
  };
  int ret = bench_main (&parser, argc, argv);

  libre_close ();
  return ret;
}
