/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stun.h — the minimal STUN codec SIP needs (RFC 5389): Binding requests
 * and success responses with XOR-MAPPED-ADDRESS and FINGERPRINT, for the
 * RFC 5626 §4.4.2 keepalives of UDP flows and for answering a peer's.
 *
 * No authentication (MESSAGE-INTEGRITY is skipped, not checked): RFC 5626
 * §8 keepalives carry none.  ICE and TURN are libnice's (architecture.md).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TC_SIP_STUN_MAGIC_COOKIE 0x2112A442u
#define TC_SIP_STUN_HEADER_SIZE 20
#define TC_SIP_STUN_TRANSACTION_ID_SIZE 12
#define TC_SIP_STUN_METHOD_BINDING 0x001

/**
 * TcSipStunClass:
 * @TC_SIP_STUN_CLASS_REQUEST: a request
 * @TC_SIP_STUN_CLASS_INDICATION: an indication (no response)
 * @TC_SIP_STUN_CLASS_SUCCESS: a success response
 * @TC_SIP_STUN_CLASS_ERROR: an error response
 *
 * The message classes of RFC 5389 §6.
 */
typedef enum {
  TC_SIP_STUN_CLASS_REQUEST = 0,
  TC_SIP_STUN_CLASS_INDICATION = 1,
  TC_SIP_STUN_CLASS_SUCCESS = 2,
  TC_SIP_STUN_CLASS_ERROR = 3,
} TcSipStunClass;

/**
 * TcSipStunMessage:
 * @method: the method (%TC_SIP_STUN_METHOD_BINDING)
 * @klass: the class
 * @transaction_id: the 96-bit transaction id
 * @has_fingerprint: a FINGERPRINT attribute was present (and correct)
 * @n_unknown_required: comprehension-required attributes this codec does
 *   not know (a server answers such a request with 420, RFC 5389 §7.3.1)
 * @has_mapped: a mapped address was present (XOR-MAPPED-ADDRESS, or the
 *   RFC 3489 MAPPED-ADDRESS when there is no XOR-MAPPED-ADDRESS)
 * @mapped_family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 * @mapped_address: the address bytes (4 or 16), un-XORed
 * @mapped_port: the port, un-XORed
 *
 * A parsed STUN message: a plain struct, nothing to free.
 */
typedef struct {
  guint16 method;
  TcSipStunClass klass;
  guint8 transaction_id[TC_SIP_STUN_TRANSACTION_ID_SIZE];
  gboolean has_fingerprint;
  guint n_unknown_required;
  gboolean has_mapped;
  GSocketFamily mapped_family;
  guint8 mapped_address[16];
  guint16 mapped_port;
} TcSipStunMessage;

/* TRUE when @data can only be STUN, not SIP (RFC 5389 §6, RFC 5626 §4.4.2):
 * the first two bits are zero, the magic cookie is there and the length
 * field matches @len.  Cheap: for demultiplexing every datagram. */
gboolean tc_sip_stun_looks_like (const void *data, gsize len);

/* Parses and validates one STUN message (header, attribute framing,
 * FINGERPRINT when present, address attributes).  FALSE with a
 * G_IO_ERROR_INVALID_DATA error naming the problem otherwise. */
gboolean tc_sip_stun_parse (const void *data, gsize len, TcSipStunMessage *msg, GError **error);

/* The mapped address as a new object, or NULL when there is none. */
GInetSocketAddress *tc_sip_stun_message_get_mapped_address (const TcSipStunMessage *msg);

/* A Binding request with a fresh random transaction id (written to
 * @transaction_id) and a FINGERPRINT. */
GBytes *tc_sip_stun_build_binding_request (guint8 transaction_id[TC_SIP_STUN_TRANSACTION_ID_SIZE]);

/* A Binding success response to @transaction_id carrying @mapped as
 * XOR-MAPPED-ADDRESS, and a FINGERPRINT. */
GBytes *tc_sip_stun_build_binding_success (const guint8 transaction_id[TC_SIP_STUN_TRANSACTION_ID_SIZE],
                                           GInetSocketAddress *mapped);

G_END_DECLS
