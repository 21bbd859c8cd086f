/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stun.c — minimal STUN codec (RFC 5389) for RFC 5626 keepalives (stun.h).
 */
#include "sip/stun.h"

#include <string.h>

#include "sip/random.h"

#define ATTR_MAPPED_ADDRESS 0x0001
#define ATTR_USERNAME 0x0006
#define ATTR_MESSAGE_INTEGRITY 0x0008
#define ATTR_ERROR_CODE 0x0009
#define ATTR_UNKNOWN_ATTRIBUTES 0x000A
#define ATTR_REALM 0x0014
#define ATTR_NONCE 0x0015
#define ATTR_XOR_MAPPED_ADDRESS 0x0020
#define ATTR_FINGERPRINT 0x8028

/* RFC 5389 §15.5: CRC-32 of the message up to FINGERPRINT, XORed with this. */
#define FINGERPRINT_XOR 0x5354554eu

#define FAMILY_IPV4 0x01
#define FAMILY_IPV6 0x02

static guint16
read16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static guint32
read32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
write16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static void
write32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

/* CRC-32 (ISO 3309 / ITU-T V.42, as zlib's crc32), bitwise: STUN messages
 * are a few dozen bytes. */
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

/* RFC 5389 §6: the class bits C1 C0 sit at bits 8 and 4 of the type. */
static guint16
encode_type (guint16 method, TcSipStunClass klass)
{
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((klass & 1) << 4) |
         ((klass & 2) << 7);
}

gboolean
tc_sip_stun_looks_like (const void *data, gsize len)
{
  const guint8 *p = data;

  return len >= TC_SIP_STUN_HEADER_SIZE && (p[0] & 0xc0) == 0 && read32 (p + 4) == TC_SIP_STUN_MAGIC_COOKIE &&
         (gsize) read16 (p + 2) + TC_SIP_STUN_HEADER_SIZE == len && (len & 3) == 0;
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "invalid STUN message: %s", what);
  return FALSE;
}

static gboolean
parse_address (const guint8 *value, guint16 len, gboolean xored, const guint8 *header, TcSipStunMessage *msg,
               GError **error)
{
  guint8 family;
  gsize addr_len;

  if (len < 4)
    return invalid (error, "address attribute too short");
  family = value[1];
  if (family == FAMILY_IPV4)
    addr_len = 4;
  else if (family == FAMILY_IPV6)
    addr_len = 16;
  else
    return invalid (error, "unknown address family");
  if (len != 4 + addr_len)
    return invalid (error, "address attribute has the wrong length");

  msg->has_mapped = TRUE;
  msg->mapped_family = family == FAMILY_IPV4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;
  msg->mapped_port = read16 (value + 2);
  memset (msg->mapped_address, 0, sizeof msg->mapped_address);
  memcpy (msg->mapped_address, value + 4, addr_len);
  if (xored)
    {
      /* RFC 5389 §15.2: X-Port ^ top of the cookie; the address ^ the
       * cookie followed by the transaction id (bytes 4..19 of the header) */
      msg->mapped_port ^= TC_SIP_STUN_MAGIC_COOKIE >> 16;
      for (gsize i = 0; i < addr_len; i++)
        msg->mapped_address[i] ^= header[4 + i];
    }
  return TRUE;
}

static gboolean
is_known_attribute (guint16 type)
{
  switch (type)
    {
    case ATTR_MAPPED_ADDRESS:
    case ATTR_USERNAME:
    case ATTR_MESSAGE_INTEGRITY:
    case ATTR_ERROR_CODE:
    case ATTR_UNKNOWN_ATTRIBUTES:
    case ATTR_REALM:
    case ATTR_NONCE:
    case ATTR_XOR_MAPPED_ADDRESS:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
tc_sip_stun_parse (const void *data, gsize len, TcSipStunMessage *msg, GError **error)
{
  const guint8 *p = data;
  gboolean have_xor = FALSE, after_integrity = FALSE;
  guint16 type;
  gsize off;

  g_return_val_if_fail (msg != NULL, FALSE);

  memset (msg, 0, sizeof *msg);
  if (!p || len < TC_SIP_STUN_HEADER_SIZE)
    return invalid (error, "shorter than the 20-byte header");
  if ((p[0] & 0xc0) != 0)
    return invalid (error, "the first two bits are not zero");
  if (read32 (p + 4) != TC_SIP_STUN_MAGIC_COOKIE)
    return invalid (error, "no magic cookie");
  if ((gsize) read16 (p + 2) + TC_SIP_STUN_HEADER_SIZE != len)
    return invalid (error, "the length field does not match the size");
  if (len & 3)
    return invalid (error, "the length is not a multiple of 4");

  type = read16 (p);
  msg->method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  msg->klass = ((type >> 4) & 1) | ((type >> 7) & 2);
  memcpy (msg->transaction_id, p + 8, TC_SIP_STUN_TRANSACTION_ID_SIZE);

  for (off = TC_SIP_STUN_HEADER_SIZE; off < len;)
    {
      guint16 attr, attr_len;
      const guint8 *value;

      if (len - off < 4)
        return invalid (error, "truncated attribute header");
      attr = read16 (p + off);
      attr_len = read16 (p + off + 2);
      value = p + off + 4;
      if ((gsize) attr_len > len - off - 4)
        return invalid (error, "attribute runs past the end");
      if (msg->has_fingerprint)
        return invalid (error, "attribute after FINGERPRINT");

      if (attr == ATTR_FINGERPRINT)
        {
          if (attr_len != 4)
            return invalid (error, "FINGERPRINT has the wrong length");
          if ((crc32_ieee (p, off) ^ FINGERPRINT_XOR) != read32 (value))
            return invalid (error, "FINGERPRINT does not match");
          msg->has_fingerprint = TRUE;
        }
      else if (after_integrity)
        {
          /* RFC 5389 §15.4: ignored after MESSAGE-INTEGRITY */
        }
      else if (attr == ATTR_XOR_MAPPED_ADDRESS)
        {
          if (!parse_address (value, attr_len, TRUE, p, msg, error))
            return FALSE;
          have_xor = TRUE;
        }
      else if (attr == ATTR_MAPPED_ADDRESS)
        {
          TcSipStunMessage plain;

          memcpy (&plain, msg, sizeof plain);
          if (!parse_address (value, attr_len, FALSE, p, &plain, error))
            return FALSE;
          if (!have_xor)
            memcpy (msg, &plain, sizeof plain);
        }
      else if (attr == ATTR_MESSAGE_INTEGRITY)
        after_integrity = TRUE;
      else if (attr < 0x8000 && !is_known_attribute (attr))
        msg->n_unknown_required++;

      off += 4 + (((gsize) attr_len + 3) & ~(gsize) 3);
    }
  if (off != len)
    return invalid (error, "attribute padding runs past the end");
  return TRUE;
}

GInetSocketAddress *
tc_sip_stun_message_get_mapped_address (const TcSipStunMessage *msg)
{
  g_autoptr (GInetAddress) inet = NULL;

  g_return_val_if_fail (msg != NULL, NULL);

  if (!msg->has_mapped)
    return NULL;
  inet = g_inet_address_new_from_bytes (msg->mapped_address, msg->mapped_family);
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (inet, msg->mapped_port));
}

/* Writes the header into @buf (of @len bytes, attributes already in place
 * except the FINGERPRINT, whose 8 bytes end @buf) and the FINGERPRINT. */
static void
finish_message (guint8 *buf, gsize len, guint16 type, const guint8 *transaction_id)
{
  gsize fp = len - 8;

  write16 (buf, type);
  write16 (buf + 2, (guint16) (len - TC_SIP_STUN_HEADER_SIZE));
  write32 (buf + 4, TC_SIP_STUN_MAGIC_COOKIE);
  memcpy (buf + 8, transaction_id, TC_SIP_STUN_TRANSACTION_ID_SIZE);
  write16 (buf + fp, ATTR_FINGERPRINT);
  write16 (buf + fp + 2, 4);
  write32 (buf + fp + 4, crc32_ieee (buf, fp) ^ FINGERPRINT_XOR);
}

GBytes *
tc_sip_stun_build_binding_request (guint8 transaction_id[TC_SIP_STUN_TRANSACTION_ID_SIZE])
{
  guint8 buf[TC_SIP_STUN_HEADER_SIZE + 8];

  g_return_val_if_fail (transaction_id != NULL, NULL);

  tc_sip_random_bytes (transaction_id, TC_SIP_STUN_TRANSACTION_ID_SIZE);
  finish_message (buf, sizeof buf, encode_type (TC_SIP_STUN_METHOD_BINDING, TC_SIP_STUN_CLASS_REQUEST), transaction_id);
  return g_bytes_new (buf, sizeof buf);
}

GBytes *
tc_sip_stun_build_binding_success (const guint8 transaction_id[TC_SIP_STUN_TRANSACTION_ID_SIZE],
                                   GInetSocketAddress *mapped)
{
  guint8 buf[TC_SIP_STUN_HEADER_SIZE + 4 + 20 + 8];
  GInetAddress *inet;
  const guint8 *addr;
  gsize addr_len, len;
  guint8 *value;

  g_return_val_if_fail (transaction_id != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (mapped), NULL);

  inet = g_inet_socket_address_get_address (mapped);
  addr = g_inet_address_to_bytes (inet);
  addr_len = g_inet_address_get_native_size (inet);
  len = TC_SIP_STUN_HEADER_SIZE + 4 + 4 + addr_len + 8;

  /* The header first: XOR-MAPPED-ADDRESS is XORed with its bytes 4..19. */
  finish_message (buf, len, encode_type (TC_SIP_STUN_METHOD_BINDING, TC_SIP_STUN_CLASS_SUCCESS), transaction_id);
  write16 (buf + 20, ATTR_XOR_MAPPED_ADDRESS);
  write16 (buf + 22, (guint16) (4 + addr_len));
  value = buf + 24;
  value[0] = 0;
  value[1] = addr_len == 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  write16 (value + 2, g_inet_socket_address_get_port (mapped) ^ (TC_SIP_STUN_MAGIC_COOKIE >> 16));
  for (gsize i = 0; i < addr_len; i++)
    value[4 + i] = addr[i] ^ buf[4 + i];
  /* Now the FINGERPRINT over the complete attributes. */
  finish_message (buf, len, encode_type (TC_SIP_STUN_METHOD_BINDING, TC_SIP_STUN_CLASS_SUCCESS), transaction_id);
  return g_bytes_new (buf, len);
}
