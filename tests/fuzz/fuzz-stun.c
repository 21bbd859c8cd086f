/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-stun.c — libFuzzer target for the STUN codec (stun.h), which reads
 * every datagram with the STUN signature arriving on a SIP UDP port.
 *
 * The whole input is one datagram.  Checks: tc_sip_stun_parse() sets its
 * GError exactly when it fails; whatever it accepts, the demultiplexer
 * tc_sip_stun_looks_like() accepts too; a mapped address it decodes
 * survives a round trip through tc_sip_stun_build_binding_success() with
 * the same transaction id.
 */
#include <string.h>

#include "fuzz-util.h"

#include "sip/stun.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetSocketAddress) mapped = NULL;
  g_autoptr (GBytes) response = NULL;
  TcSipStunMessage msg, again;
  gboolean ok;
  gsize len;
  const guint8 *bytes;

  ok = tc_sip_stun_parse (data, size, &msg, &error);
  fuzz_check (ok == (error == NULL), "tc_sip_stun_parse() returned %d with error %s", ok,
              error ? error->message : "(none)");
  if (!ok)
    {
      fuzz_check (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_INVALID_DATA,
                  "unexpected error domain or code: %s", error->message);
      return 0;
    }
  fuzz_check (tc_sip_stun_looks_like (data, size), "parsed, yet tc_sip_stun_looks_like() refuses it");
  fuzz_check (msg.klass <= TC_SIP_STUN_CLASS_ERROR && msg.method < 0x1000, "class or method out of range");

  mapped = tc_sip_stun_message_get_mapped_address (&msg);
  fuzz_check ((mapped != NULL) == msg.has_mapped, "mapped address getter disagrees with has_mapped");
  if (!mapped)
    return 0;
  response = tc_sip_stun_build_binding_success (msg.transaction_id, mapped);
  bytes = g_bytes_get_data (response, &len);
  fuzz_check (tc_sip_stun_parse (bytes, len, &again, NULL), "a built response does not parse");
  fuzz_check (again.klass == TC_SIP_STUN_CLASS_SUCCESS && again.has_fingerprint && again.has_mapped,
              "a built response lost its class, FINGERPRINT or address");
  fuzz_check (memcmp (again.transaction_id, msg.transaction_id, TC_SIP_STUN_TRANSACTION_ID_SIZE) == 0,
              "the transaction id changed in a round trip");
  fuzz_check (again.mapped_family == msg.mapped_family && again.mapped_port == msg.mapped_port &&
                memcmp (again.mapped_address, msg.mapped_address, 16) == 0,
              "the mapped address changed in a round trip");
  return 0;
}
