/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for stun.h: RFC 5769 test vectors, round trips, malformed input. */
#include <string.h>

#include "sip/stun.h"

/* RFC 5769 §2.2: a Binding success response, IPv4, with SOFTWARE,
 * XOR-MAPPED-ADDRESS 192.0.2.1:32853, MESSAGE-INTEGRITY, FINGERPRINT. */
static const guint8 rfc5769_ipv4[] = {
  0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
  0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
  0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
  0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
  0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};

/* RFC 5769 §2.3: the same with XOR-MAPPED-ADDRESS
 * [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
static const guint8 rfc5769_ipv6[] = {
  0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf,
  0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20,
  0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe,
  0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c,
  0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
};

static void
check_mapped (const TcSipStunMessage *msg, const char *address, guint16 port)
{
  g_autoptr (GInetSocketAddress) mapped = tc_sip_stun_message_get_mapped_address (msg);
  g_autofree char *text = NULL;

  g_assert_nonnull (mapped);
  text = g_inet_address_to_string (g_inet_socket_address_get_address (mapped));
  g_assert_cmpstr (text, ==, address);
  g_assert_cmpuint (g_inet_socket_address_get_port (mapped), ==, port);
}

static void
test_rfc5769 (void)
{
  static const guint8 id[] = { 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae };
  g_autoptr (GError) error = NULL;
  TcSipStunMessage msg;

  g_assert_true (tc_sip_stun_looks_like (rfc5769_ipv4, sizeof rfc5769_ipv4));
  g_assert_true (tc_sip_stun_parse (rfc5769_ipv4, sizeof rfc5769_ipv4, &msg, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (msg.method, ==, TC_SIP_STUN_METHOD_BINDING);
  g_assert_cmpint (msg.klass, ==, TC_SIP_STUN_CLASS_SUCCESS);
  g_assert_cmpmem (msg.transaction_id, sizeof id, id, sizeof id);
  g_assert_true (msg.has_fingerprint);
  g_assert_cmpuint (msg.n_unknown_required, ==, 0);
  check_mapped (&msg, "192.0.2.1", 32853);

  g_assert_true (tc_sip_stun_parse (rfc5769_ipv6, sizeof rfc5769_ipv6, &msg, &error));
  g_assert_no_error (error);
  g_assert_true (msg.has_fingerprint);
  check_mapped (&msg, "2001:db8:1234:5678:11:2233:4455:6677", 32853);
}

static void
test_round_trip (void)
{
  const char *addresses[] = { "203.0.113.7", "2001:db8::42" };
  guint8 id[TC_SIP_STUN_TRANSACTION_ID_SIZE], other[TC_SIP_STUN_TRANSACTION_ID_SIZE];
  g_autoptr (GBytes) request = tc_sip_stun_build_binding_request (id);
  G_GNUC_UNUSED g_autoptr (GBytes) request2 = tc_sip_stun_build_binding_request (other);
  g_autoptr (GError) error = NULL;
  TcSipStunMessage msg;
  gsize len;
  const guint8 *data = g_bytes_get_data (request, &len);

  g_assert_true (memcmp (id, other, sizeof id) != 0); /* random ids */
  g_assert_true (tc_sip_stun_looks_like (data, len));
  g_assert_true (tc_sip_stun_parse (data, len, &msg, &error));
  g_assert_cmpint (msg.klass, ==, TC_SIP_STUN_CLASS_REQUEST);
  g_assert_cmpuint (msg.method, ==, TC_SIP_STUN_METHOD_BINDING);
  g_assert_cmpmem (msg.transaction_id, sizeof id, id, sizeof id);
  g_assert_true (msg.has_fingerprint);
  g_assert_false (msg.has_mapped);

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr (GSocketAddress) mapped = g_inet_socket_address_new_from_string (addresses[i], 5060 + i);
      g_autoptr (GBytes) response = tc_sip_stun_build_binding_success (id, G_INET_SOCKET_ADDRESS (mapped));

      data = g_bytes_get_data (response, &len);
      g_assert_true (tc_sip_stun_parse (data, len, &msg, &error));
      g_assert_no_error (error);
      g_assert_cmpint (msg.klass, ==, TC_SIP_STUN_CLASS_SUCCESS);
      g_assert_cmpmem (msg.transaction_id, sizeof id, id, sizeof id);
      g_assert_true (msg.has_fingerprint);
      check_mapped (&msg, addresses[i], 5060 + i);
    }
}

/* CRC-32 as RFC 5389 §15.5 uses it (zlib's), to forge FINGERPRINTs. */
static guint32
crc32_ieee (const guint8 *data, gsize len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
  return ~crc;
}

static void
expect_invalid (const guint8 *data, gsize len, const char *what)
{
  g_autoptr (GError) error = NULL;
  TcSipStunMessage msg;

  g_assert_false (tc_sip_stun_parse (data, len, &msg, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  if (!strstr (error->message, what))
    g_error ("expected \"%s\" in \"%s\"", what, error->message);
}

static void
test_invalid (void)
{
  guint8 buf[sizeof rfc5769_ipv4 + 8];
  const char *sip = "OPTIONS sip:a@b SIP/2.0\r\n\r\n";
  guint32 crc;

  g_assert_false (tc_sip_stun_looks_like (sip, strlen (sip)));
  g_assert_false (tc_sip_stun_looks_like ("\r\n\r\n", 4));
  expect_invalid ((const guint8 *) sip, strlen (sip), "two bits");
  expect_invalid (rfc5769_ipv4, 19, "header");
  expect_invalid (rfc5769_ipv4, sizeof rfc5769_ipv4 - 4, "length field");

  memcpy (buf, rfc5769_ipv4, sizeof rfc5769_ipv4);
  buf[5] ^= 1;
  expect_invalid (buf, sizeof rfc5769_ipv4, "magic cookie");

  memcpy (buf, rfc5769_ipv4, sizeof rfc5769_ipv4);
  buf[30] ^= 1; /* inside SOFTWARE: the FINGERPRINT no longer matches */
  expect_invalid (buf, sizeof rfc5769_ipv4, "FINGERPRINT does not match");

  memcpy (buf, rfc5769_ipv4, sizeof rfc5769_ipv4);
  buf[23] = 0x40; /* SOFTWARE claims 64 bytes */
  expect_invalid (buf, sizeof rfc5769_ipv4, "past the end");

  memcpy (buf, rfc5769_ipv4, sizeof rfc5769_ipv4);
  buf[41] = 0x03; /* unknown address family */
  expect_invalid (buf, sizeof rfc5769_ipv4, "address family");

  /* an attribute after FINGERPRINT (the FINGERPRINT itself right: it
   * covers the header's length, which counts the attribute after it) */
  memcpy (buf, rfc5769_ipv4, sizeof rfc5769_ipv4);
  memcpy (buf + sizeof rfc5769_ipv4, "\x80\x22\x00\x04test", 8);
  buf[3] += 8;
  crc = crc32_ieee (buf, sizeof rfc5769_ipv4 - 8) ^ 0x5354554eu;
  for (guint i = 0; i < 4; i++)
    buf[sizeof rfc5769_ipv4 - 4 + i] = crc >> (24 - 8 * i);
  expect_invalid (buf, sizeof buf, "after FINGERPRINT");
}

static void
test_unknown_required (void)
{
  /* a Binding request carrying PRIORITY (0x0024, comprehension-required,
   * unknown here) and no FINGERPRINT */
  static const guint8 request[] = {
    0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42, 1,    2,    3,    4,    5,    6,
    7,    8,    9,    10,   11,   12,   0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
  };
  g_autoptr (GError) error = NULL;
  TcSipStunMessage msg;

  g_assert_true (tc_sip_stun_parse (request, sizeof request, &msg, &error));
  g_assert_cmpint (msg.klass, ==, TC_SIP_STUN_CLASS_REQUEST);
  g_assert_cmpuint (msg.n_unknown_required, ==, 1);
  g_assert_false (msg.has_fingerprint);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip/stun/rfc5769", test_rfc5769);
  g_test_add_func ("/sip/stun/round-trip", test_round_trip);
  g_test_add_func ("/sip/stun/invalid", test_invalid);
  g_test_add_func ("/sip/stun/unknown-required", test_unknown_required);
  return g_test_run ();
}
