/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parser.h — reading SIP messages off the wire.
 *
 * Datagrams (RFC 3261 §18.3): one datagram holds one message; Content-Length
 * may be absent (the body runs to the end of the datagram); octets past
 * Content-Length are discarded; a Content-Length larger than the datagram is
 * an error.  Streams: messages are framed by Content-Length, which is
 * mandatory; CRLFs between messages (RFC 5626 keepalives) are skipped and
 * counted; a partial message waits for more bytes.
 *
 * Parsing never recurses on input and stays within TcSipParserLimits.
 */
#pragma once

#include <glib.h>

#include "sip/message.h"
#include "sip/sip-error.h"

G_BEGIN_DECLS

typedef struct {
  gsize max_message_size; /* whole message incl. body; default 65535 */
  guint max_headers;      /* header fields; default 256 */
  gsize max_header_size;  /* one header field incl. folded lines; default 8192 */
} TcSipParserLimits;

#define TC_SIP_PARSER_DEFAULT_MAX_MESSAGE_SIZE 65535
#define TC_SIP_PARSER_DEFAULT_MAX_HEADERS 256
#define TC_SIP_PARSER_DEFAULT_MAX_HEADER_SIZE 8192

void tc_sip_parser_limits_init (TcSipParserLimits *limits);

/* Parses one datagram.  @bytes is kept (referenced), not copied.  @limits
 * may be NULL for the defaults. */
TcSipMessage *tc_sip_message_parse_datagram (GBytes *bytes, const TcSipParserLimits *limits, GError **error);
/* Convenience: copies @data once into a GBytes. */
TcSipMessage *tc_sip_message_parse (const void *data, gsize len, const TcSipParserLimits *limits, GError **error);

/* Stream framing. */
typedef struct _TcSipStreamParser TcSipStreamParser;

TcSipStreamParser *tc_sip_stream_parser_new (const TcSipParserLimits *limits);
void tc_sip_stream_parser_free (TcSipStreamParser *parser);
/* Appends received bytes. */
void tc_sip_stream_parser_feed (TcSipStreamParser *parser, const void *data, gsize len);
/* The next complete message, or NULL: with @error unset when more bytes are
 * needed, with @error set when the stream is broken (the parser then stays
 * failed: the connection must be closed). */
TcSipMessage *tc_sip_stream_parser_next (TcSipStreamParser *parser, GError **error);
/* Number of CRLFCRLF keepalive pings (RFC 5626 §4.4.1) seen since the last
 * call; the transport answers each with a CRLF pong. */
guint tc_sip_stream_parser_take_pings (TcSipStreamParser *parser);
/* Bytes buffered and not yet returned as a message. */
gsize tc_sip_stream_parser_get_pending (const TcSipStreamParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipStreamParser, tc_sip_stream_parser_free)

G_END_DECLS
