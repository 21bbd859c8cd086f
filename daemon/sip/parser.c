/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parser.c — reading SIP messages: the start line, the header section and
 * the body, from a datagram or a byte stream (RFC 3261 §7, §18.3).
 *
 * One pass over the buffer: a vectorized scan for control characters finds
 * line ends (and refuses stray CTLs on the way), each header is split into a
 * name and a value view, and known headers are parsed into the message's
 * typed fields as they are met.  Every limit is checked before the work it
 * bounds; nothing recurses.
 */
#include "sip/parser.h"

#include "sip/lex.h"
#include "sip/message-private.h"
#include "sip/sip-error.h"

#define parse_error(error, ...) tc_sip_set_error ((error), TC_SIP_ERROR_PARSE, 400, __VA_ARGS__)

void
tc_sip_parser_limits_init (TcSipParserLimits *limits)
{
  limits->max_message_size = TC_SIP_PARSER_DEFAULT_MAX_MESSAGE_SIZE;
  limits->max_headers = TC_SIP_PARSER_DEFAULT_MAX_HEADERS;
  limits->max_header_size = TC_SIP_PARSER_DEFAULT_MAX_HEADER_SIZE;
}

static const TcSipParserLimits default_limits = {
  TC_SIP_PARSER_DEFAULT_MAX_MESSAGE_SIZE,
  TC_SIP_PARSER_DEFAULT_MAX_HEADERS,
  TC_SIP_PARSER_DEFAULT_MAX_HEADER_SIZE,
};

/* ---- start line --------------------------------------------------------- */

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is supported. */
static gboolean
parse_version (const char *p, const char *end, const char *what, GError **error)
{
  const char *s = p;

  if (end - p < 4 || !tc_sip_mem_equal_ci (p, "SIP/", 4))
    return parse_error (error, "%s: malformed SIP version", what), FALSE;
  p += 4;
  if (p >= end || !g_ascii_isdigit (*p))
    return parse_error (error, "%s: malformed SIP version", what), FALSE;
  while (p < end && g_ascii_isdigit (*p))
    p++;
  if (p >= end || *p != '.' || p + 1 >= end || !g_ascii_isdigit (p[1]))
    return parse_error (error, "%s: malformed SIP version", what), FALSE;
  for (p++; p < end && g_ascii_isdigit (*p); p++)
    ;
  if (p != end)
    return parse_error (error, "%s: malformed SIP version", what), FALSE;
  if (end - s != 7 || memcmp (s + 4, "2.0", 3) != 0)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_UNSUPPORTED_VERSION, 505, "SIP version %.*s is not supported",
                        (int) (end - s), s);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_start_line (TcSipMessage *msg, const char *p, const char *end, GError **error)
{
  const char *sp;

  if (end - p >= 4 && tc_sip_mem_equal_ci (p, "SIP/", 4))
    {
      /* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase */
      const char *r;

      msg->is_request = FALSE;
      sp = memchr (p, ' ', end - p);
      if (!sp)
        return parse_error (error, "Status-Line: missing status code"), FALSE;
      if (!parse_version (p, sp, "Status-Line", error))
        return FALSE;
      p = sp + 1;
      if (end - p < 3 || !g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]) ||
          (end - p > 3 && p[3] != ' '))
        return parse_error (error, "Status-Line: status code must be three digits"), FALSE;
      msg->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
      if (msg->status < 100 || msg->status > 699)
        return parse_error (error, "Status-Line: status code %u out of range", msg->status), FALSE;
      /* RFC 4475 §3.1.1.13: the SP before an empty reason is expected but
       * its absence is tolerated. */
      p = end - p > 3 ? p + 4 : end;
      for (r = p; r < end; r++)
        if ((guchar) *r < 0x20 && *r != '\t')
          return parse_error (error, "Status-Line: control character in reason phrase"), FALSE;
      msg->reason = tc_sip_str (p, end - p);
      return TRUE;
    }

  /* Request-Line = Method SP Request-URI SP SIP-Version */
  msg->is_request = TRUE;
  sp = p;
  if (!tc_lex_span (&(TcSipLex){ p, end }, TC_LEX_TOKEN, NULL))
    return parse_error (error, "Request-Line: malformed method"), FALSE;
  while (sp < end && tc_lex_is (*sp, TC_LEX_TOKEN))
    sp++;
  if (sp >= end || *sp != ' ')
    return parse_error (error, "Request-Line: malformed method"), FALSE;
  msg->method_name = tc_sip_str (p, sp - p);
  msg->method = tc_sip_method_from_name (p, sp - p);

  p = sp + 1;
  sp = memchr (p, ' ', end - p);
  if (!sp || sp == p)
    return parse_error (error, "Request-Line: malformed Request-URI"), FALSE;
  if (!tc_lex_uri (p, sp - p, TRUE, "Request-URI", error))
    return FALSE;
  msg->request_uri = tc_sip_str (p, sp - p);

  return parse_version (sp + 1, end, "Request-Line", error);
}

/* ---- headers ------------------------------------------------------------ */

gboolean
tc_msg_list_grow (void **items, guint *cap, void *inline_items, gsize item_size)
{
  guint new_cap = *cap * 2;

  if (*items == inline_items)
    {
      void *heap = g_malloc_n (new_cap, item_size);

      memcpy (heap, inline_items, *cap * item_size);
      *items = heap;
    }
  else
    *items = g_realloc_n (*items, new_cap, item_size);
  *cap = new_cap;
  return TRUE;
}

/* Length of the line at @p, for quoting it in an error (at most 40). */
static gsize
line_length (const char *p, const char *end)
{
  const char *eol = memchr (p, '\r', MIN (end - p, 40));

  return eol ? (gsize) (eol - p) : (gsize) MIN (end - p, 40);
}

static gboolean
duplicate (const char *name, GError **error)
{
  parse_error (error, "more than one %s header", name);
  return FALSE;
}

/* Before a list element: it must not be empty. */
static gboolean
list_element_start (TcSipLex *lex, const char *what, GError **error)
{
  tc_lex_skip_ws (lex);
  if (tc_lex_eof (lex) || *lex->p == ',')
    return parse_error (error, "%s: empty list element", what), FALSE;
  return TRUE;
}

/* After a list element: 1 if a comma follows, 0 at the end, -1 (error set)
 * on anything else. */
static int
list_continue (TcSipLex *lex, const char *what, GError **error)
{
  tc_lex_skip_ws (lex);
  if (tc_lex_eof (lex))
    return 0;
  if (*lex->p == ',')
    {
      lex->p++;
      return 1;
    }
  parse_error (error, "%s: unexpected \"%c\"", what, *lex->p);
  return -1;
}

static gboolean
parse_typed_header (TcSipMessage *msg, TcSipHeaderId id, TcSipStr value, GError **error)
{
  TcSipLex lex;
  guint32 n;
  int more;

  switch (id)
    {
    case TC_SIP_HEADER_VIA:
      tc_lex_init (&lex, value);
      do
        {
          if (!list_element_start (&lex, "Via", error) || !tc_lex_via (&lex, tc_msg_list_push (&msg->vias), error))
            return FALSE;
        }
      while ((more = list_continue (&lex, "Via", error)) > 0);
      return more == 0;

    case TC_SIP_HEADER_CONTACT:
      tc_lex_init (&lex, value);
      do
        {
          TcSipContact *contact = tc_msg_list_push (&msg->contacts);

          if (!list_element_start (&lex, "Contact", error) || !tc_lex_contact (&lex, contact, error))
            return FALSE;
          if (contact->star && msg->contacts.len > 1)
            return parse_error (error, "Contact: \"*\" must be the only value"), FALSE;
        }
      while ((more = list_continue (&lex, "Contact", error)) > 0);
      if (more == 0 && msg->contacts.items[0].star && msg->contacts.len > 1)
        return parse_error (error, "Contact: \"*\" must be the only value"), FALSE;
      return more == 0;

    case TC_SIP_HEADER_ROUTE:
    case TC_SIP_HEADER_RECORD_ROUTE:
      tc_lex_init (&lex, value);
      do
        {
          TcSipNameAddr *addr =
            id == TC_SIP_HEADER_ROUTE ? tc_msg_list_push (&msg->routes) : tc_msg_list_push (&msg->record_routes);

          if (!list_element_start (&lex, tc_sip_header_id_to_name (id), error) ||
              !tc_lex_header_name_addr (&lex, id, addr, error))
            return FALSE;
        }
      while ((more = list_continue (&lex, tc_sip_header_id_to_name (id), error)) > 0);
      return more == 0;

    case TC_SIP_HEADER_FROM:
    case TC_SIP_HEADER_TO:
      {
        TcSipNameAddr *addr = id == TC_SIP_HEADER_FROM ? &msg->from : &msg->to;

        if (addr->uri.str)
          return duplicate (tc_sip_header_id_to_name (id), error);
        return tc_sip_parse_header_name_addr (id, value, addr, error);
      }

    case TC_SIP_HEADER_CALL_ID:
      if (msg->call_id.str)
        return duplicate ("Call-ID", error);
      if (!tc_sip_header_validate (id, value, error))
        return FALSE;
      msg->call_id = value;
      return TRUE;

    case TC_SIP_HEADER_CSEQ:
      if (msg->cseq.method.str)
        return duplicate ("CSeq", error);
      return tc_sip_parse_cseq (value, &msg->cseq, error);

    case TC_SIP_HEADER_MAX_FORWARDS:
      if (msg->max_forwards >= 0)
        return duplicate ("Max-Forwards", error);
      if (!tc_sip_parse_uint32 (value, 255, &n, error))
        return g_prefix_error (error, "Max-Forwards: "), FALSE;
      msg->max_forwards = n;
      return TRUE;

    case TC_SIP_HEADER_CONTENT_LENGTH:
      if (msg->content_length >= 0)
        return duplicate ("Content-Length", error);
      if (!tc_sip_parse_uint32 (value, G_MAXUINT32, &n, error))
        return g_prefix_error (error, "Content-Length: "), FALSE;
      msg->content_length = n;
      return TRUE;

    case TC_SIP_HEADER_EXPIRES:
    case TC_SIP_HEADER_MIN_EXPIRES:
      {
        gint64 *field = id == TC_SIP_HEADER_EXPIRES ? &msg->expires : &msg->min_expires;

        if (*field >= 0)
          return duplicate (tc_sip_header_id_to_name (id), error);
        if (!tc_sip_parse_uint32 (value, G_MAXUINT32, &n, error))
          return g_prefix_error (error, "%s: ", tc_sip_header_id_to_name (id)), FALSE;
        *field = n;
        return TRUE;
      }

    case TC_SIP_HEADER_CONTENT_TYPE:
      if (msg->has_content_type)
        return duplicate ("Content-Type", error);
      msg->has_content_type = TRUE;
      return tc_sip_parse_content_type (value, &msg->content_type, error);

    case TC_SIP_HEADER_OTHER:
    case TC_SIP_HEADER_ACCEPT:
    case TC_SIP_HEADER_ALLOW:
    case TC_SIP_HEADER_ALLOW_EVENTS:
    case TC_SIP_HEADER_AUTHORIZATION:
    case TC_SIP_HEADER_CONTENT_DISPOSITION:
    case TC_SIP_HEADER_CONTENT_ENCODING:
    case TC_SIP_HEADER_DATE:
    case TC_SIP_HEADER_EVENT:
    case TC_SIP_HEADER_MIN_SE:
    case TC_SIP_HEADER_PROXY_AUTHENTICATE:
    case TC_SIP_HEADER_PROXY_AUTHORIZATION:
    case TC_SIP_HEADER_PROXY_REQUIRE:
    case TC_SIP_HEADER_REFER_TO:
    case TC_SIP_HEADER_REFERRED_BY:
    case TC_SIP_HEADER_REPLACES:
    case TC_SIP_HEADER_REQUIRE:
    case TC_SIP_HEADER_RETRY_AFTER:
    case TC_SIP_HEADER_SESSION_EXPIRES:
    case TC_SIP_HEADER_SIP_ETAG:
    case TC_SIP_HEADER_SIP_IF_MATCH:
    case TC_SIP_HEADER_SUBJECT:
    case TC_SIP_HEADER_SUBSCRIPTION_STATE:
    case TC_SIP_HEADER_SUPPORTED:
    case TC_SIP_HEADER_UNSUPPORTED:
    case TC_SIP_HEADER_USER_AGENT:
    case TC_SIP_HEADER_WARNING:
    case TC_SIP_HEADER_WWW_AUTHENTICATE:
    case TC_SIP_HEADER_N_IDS:
      return tc_sip_header_validate (id, value, error);
    }
  g_return_val_if_reached (FALSE);
}

/* Parses from the start line to the empty line; returns the body start. */
static const char *
parse_head (TcSipMessage *msg, const char *p, const char *end, const TcSipParserLimits *limits, GError **error)
{
  const char *nl = tc_lex_find_ctl (p, end);

  if (nl == end || (*nl == '\r' && nl + 1 == end))
    return tc_sip_set_error (error, TC_SIP_ERROR_TRUNCATED, 400, "message ends inside the start line"), NULL;
  if (*nl != '\r' || nl[1] != '\n')
    return parse_error (error, "control character in start line"), NULL;
  nl++;
  if ((gsize) (nl - p) > limits->max_header_size)
    return tc_sip_set_error (error, TC_SIP_ERROR_LIMIT, 414, "start line longer than %" G_GSIZE_FORMAT " bytes",
                             limits->max_header_size),
           NULL;
  if (!parse_start_line (msg, p, nl - 1, error))
    return NULL;
  p = nl + 1;

  for (;;)
    {
      const char *line = p, *name_end, *value, *value_end;
      TcSipHeader *header;
      TcSipHeaderId id;

      if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
        return p + 2;
      if (p >= end || (end - p == 1 && *p == '\r'))
        return tc_sip_set_error (error, TC_SIP_ERROR_TRUNCATED, 400, "message ends inside the header section"), NULL;
      if (*p == ' ' || *p == '\t')
        return parse_error (error, "header line starts with whitespace"), NULL;

      /* field-name HCOLON, HCOLON = *( SP / HTAB ) ":" SWS */
      while (p < end && tc_lex_is (*p, TC_LEX_TOKEN))
        p++;
      name_end = p;
      while (p < end && (*p == ' ' || *p == '\t'))
        p++;
      if (name_end == line || p >= end || *p != ':')
        return parse_error (error, "malformed header line \"%.*s\"", (int) line_length (line, end), line), NULL;
      value = ++p;

      /* the field ends at a CRLF not followed by SP or HTAB */
      for (;;)
        {
          nl = tc_lex_find_ctl (p, end);
          /* a CTL may follow a backslash: a quoted-pair (RFC 4475 §3.1.1.2);
           * the value's own grammar decides whether one may stand there */
          while (nl < end && nl > p && nl[-1] == '\\' && *nl != '\r' && *nl != '\n')
            nl = tc_lex_find_ctl (nl + 1, end);
          if (nl == end || (*nl == '\r' && nl + 1 == end))
            return tc_sip_set_error (error, TC_SIP_ERROR_TRUNCATED, 400, "message ends inside the %.*s header",
                                     (int) (name_end - line), line),
                   NULL;
          if (*nl != '\r' || nl[1] != '\n')
            return parse_error (error, "%.*s: control character, bare CR or bare LF in header", (int) (name_end - line),
                                line),
                   NULL;
          nl++;
          p = nl + 1;
          if (p >= end || (*p != ' ' && *p != '\t'))
            break;
        }
      value_end = nl - 1;

      if ((gsize) (value_end - line) > limits->max_header_size)
        return tc_sip_set_error (error, TC_SIP_ERROR_LIMIT, 400, "%.*s header longer than %" G_GSIZE_FORMAT " bytes",
                                 (int) (name_end - line), line, limits->max_header_size),
               NULL;
      if (msg->headers.len >= limits->max_headers)
        return tc_sip_set_error (error, TC_SIP_ERROR_LIMIT, 400, "more than %u header fields", limits->max_headers),
               NULL;

      while (value < value_end && tc_lex_is (*value, TC_LEX_WS))
        value++;
      while (value_end > value && tc_lex_is (value_end[-1], TC_LEX_WS))
        value_end--;

      id = tc_sip_header_id_from_name (line, name_end - line);
      header = tc_msg_list_push (&msg->headers);
      header->id = id;
      header->name = tc_sip_str (line, name_end - line);
      header->value = tc_sip_str (value, value_end - value);

      if (!parse_typed_header (msg, id, header->value, error))
        return NULL;
    }
}

/* ---- whole messages ----------------------------------------------------- */

static gboolean
check_mandatory (TcSipMessage *msg, GError **error)
{
  const char *missing = NULL;

  /* RFC 3261 §8.1.1: To, From, CSeq, Call-ID and Via are mandatory */
  if (msg->vias.len == 0)
    missing = "Via";
  else if (!msg->from.uri.str)
    missing = "From";
  else if (!msg->to.uri.str)
    missing = "To";
  else if (!msg->call_id.str)
    missing = "Call-ID";
  else if (!msg->cseq.method.str)
    missing = "CSeq";
  if (missing)
    return parse_error (error, "missing %s header", missing), FALSE;

  /* RFC 3261 §8.2.2 / RFC 4475 §3.1.2.17: the CSeq method matches */
  if (msg->is_request && (msg->cseq.method.len != msg->method_name.len ||
                          memcmp (msg->cseq.method.str, msg->method_name.str, msg->method_name.len) != 0))
    return parse_error (error, "CSeq method %.*s does not match request method %.*s", (int) msg->cseq.method.len,
                        msg->cseq.method.str, (int) msg->method_name.len, msg->method_name.str),
           FALSE;
  return TRUE;
}

/* Parses the message at @p; @stream: Content-Length is mandatory and exact.
 * On success *consumed is the message size (for a datagram, the datagram). */
static TcSipMessage *
parse_message (GBytes *bytes, const char *p, const char *end, gboolean stream, const TcSipParserLimits *limits,
               GError **error)
{
  g_autoptr (TcSipMessage) msg = tc_sip_message_alloc ();
  const char *body;
  gsize body_avail;

  if (!limits)
    limits = &default_limits;

  /* RFC 3261 §7.5: CRLFs before the start line are ignored */
  while (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
    p += 2;
  if ((gsize) (end - p) > limits->max_message_size)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_TOO_LARGE, 513, "message larger than %" G_GSIZE_FORMAT " bytes",
                        limits->max_message_size);
      return NULL;
    }
  if (p == end)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_TRUNCATED, 400, "empty message");
      return NULL;
    }

  msg->bytes = g_bytes_ref (bytes);
  msg->base = p;

  body = parse_head (msg, p, end, limits, error);
  if (!body || !check_mandatory (msg, error))
    return NULL;

  body_avail = end - body;
  if (msg->content_length < 0)
    {
      /* RFC 3261 §18.3: mandatory on streams, optional in a datagram */
      if (stream)
        {
          parse_error (error, "missing Content-Length header on a stream transport");
          return NULL;
        }
      msg->body = tc_sip_str (body, body_avail);
    }
  else if ((guint64) msg->content_length > body_avail)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_TRUNCATED, 400,
                        "Content-Length %" G_GINT64_FORMAT " is larger than the %" G_GSIZE_FORMAT " bytes of body",
                        msg->content_length, body_avail);
      return NULL;
    }
  else if (stream && (guint64) msg->content_length != body_avail)
    {
      parse_error (error, "Content-Length does not match the framed body");
      return NULL;
    }
  else
    msg->body = tc_sip_str (body, msg->content_length); /* octets past it are discarded */

  msg->size = msg->body.str + msg->body.len - msg->base;
  return g_steal_pointer (&msg);
}

TcSipMessage *
tc_sip_message_parse_datagram (GBytes *bytes, const TcSipParserLimits *limits, GError **error)
{
  gsize len;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  if (!data)
    data = "";
  return parse_message (bytes, data, data + len, FALSE, limits, error);
}

TcSipMessage *
tc_sip_message_parse (const void *data, gsize len, const TcSipParserLimits *limits, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);

  return tc_sip_message_parse_datagram (bytes, limits, error);
}

/* ---- stream framing ------------------------------------------------------ */

struct _TcSipStreamParser {
  TcSipParserLimits limits;
  GByteArray *buf;
  gsize start;    /* first unconsumed byte */
  gsize need;     /* do not try again before this many bytes are buffered */
  guint crlf_run; /* CRLFs seen in a row between messages */
  guint pings;
  GError *failure; /* set once the stream is broken */
};

TcSipStreamParser *
tc_sip_stream_parser_new (const TcSipParserLimits *limits)
{
  TcSipStreamParser *parser = g_new0 (TcSipStreamParser, 1);

  parser->limits = limits ? *limits : default_limits;
  parser->buf = g_byte_array_new ();
  return parser;
}

void
tc_sip_stream_parser_free (TcSipStreamParser *parser)
{
  if (!parser)
    return;
  g_byte_array_unref (parser->buf);
  g_clear_error (&parser->failure);
  g_free (parser);
}

void
tc_sip_stream_parser_feed (TcSipStreamParser *parser, const void *data, gsize len)
{
  g_return_if_fail (parser != NULL);

  if (parser->failure)
    return;
  if (parser->start > 0 && parser->start >= parser->buf->len / 2)
    {
      g_byte_array_remove_range (parser->buf, 0, parser->start);
      parser->need -= MIN (parser->need, parser->start);
      parser->start = 0;
    }
  g_byte_array_append (parser->buf, data, len);
}

guint
tc_sip_stream_parser_take_pings (TcSipStreamParser *parser)
{
  guint pings = parser->pings;

  parser->pings = 0;
  return pings;
}

gsize
tc_sip_stream_parser_get_pending (const TcSipStreamParser *parser)
{
  return parser->buf->len - parser->start;
}

static TcSipMessage *
stream_fail (TcSipStreamParser *parser, GError *error, GError **out)
{
  parser->failure = g_error_copy (error);
  g_propagate_error (out, error);
  return NULL;
}

/* Finds the Content-Length value in a complete header section without
 * parsing it; -1 when there is none, -2 when it is not a number. */
static gint64
scan_content_length (const char *p, const char *end)
{
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *name = p, *q;
      gsize n;

      if (!nl)
        break;
      for (q = p; q < nl && tc_lex_is (*q, TC_LEX_TOKEN); q++)
        ;
      n = q - name;
      if ((n == 1 && (*name | 0x20) == 'l') || (n == 14 && tc_sip_mem_equal_ci (name, "Content-Length", 14)))
        {
          guint64 v = 0;
          gboolean digits = FALSE;

          while (q < end && (*q == ' ' || *q == '\t'))
            q++;
          if (q >= end || *q != ':')
            return -2;
          for (q++; q < end && tc_lex_is (*q, TC_LEX_WS); q++)
            ;
          for (; q < end && g_ascii_isdigit (*q) && v <= G_MAXUINT32; q++, digits = TRUE)
            v = v * 10 + (*q - '0');
          return digits && v <= G_MAXUINT32 ? (gint64) v : -2;
        }
      p = nl + 1;
    }
  return -1;
}

TcSipMessage *
tc_sip_stream_parser_next (TcSipStreamParser *parser, GError **error)
{
  const char *data, *p, *end, *head_end;
  g_autoptr (GBytes) bytes = NULL;
  GError *local = NULL;
  TcSipMessage *msg;
  gint64 content_length;
  gsize total;

  g_return_val_if_fail (parser != NULL, NULL);

  if (parser->failure)
    {
      g_propagate_error (error, g_error_copy (parser->failure));
      return NULL;
    }

  if (parser->buf->len == 0)
    return NULL;
  data = (const char *) parser->buf->data;
  p = data + parser->start;
  end = data + parser->buf->len;

  /* RFC 5626 §4.4.1: CRLFCRLF is a ping, a lone CRLF a pong */
  while (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
    {
      p += 2;
      if (++parser->crlf_run == 2)
        {
          parser->pings++;
          parser->crlf_run = 0;
        }
    }
  parser->start = p - data;
  if (p == end || (end - p == 1 && *p == '\r') || parser->buf->len < parser->need)
    return NULL;
  parser->crlf_run = 0;

  head_end = memmem (p, end - p, "\r\n\r\n", 4);
  if (!head_end)
    {
      if ((gsize) (end - p) > parser->limits.max_message_size)
        {
          tc_sip_set_error (&local, TC_SIP_ERROR_TOO_LARGE, 513, "header section larger than %" G_GSIZE_FORMAT " bytes",
                            parser->limits.max_message_size);
          return stream_fail (parser, local, error);
        }
      return NULL;
    }
  head_end += 4;

  content_length = scan_content_length (p, head_end);
  if (content_length == -1)
    {
      parse_error (&local, "missing Content-Length header on a stream transport");
      return stream_fail (parser, local, error);
    }
  if (content_length < 0)
    {
      parse_error (&local, "Content-Length: not a number from 0 to 4294967295");
      return stream_fail (parser, local, error);
    }
  total = (head_end - p) + (gsize) content_length;
  if (total > parser->limits.max_message_size)
    {
      tc_sip_set_error (&local, TC_SIP_ERROR_TOO_LARGE, 513, "message larger than %" G_GSIZE_FORMAT " bytes",
                        parser->limits.max_message_size);
      return stream_fail (parser, local, error);
    }
  if ((gsize) (end - p) < total)
    {
      parser->need = parser->start + total;
      return NULL;
    }

  bytes = g_bytes_new (p, total);
  data = g_bytes_get_data (bytes, NULL);
  msg = parse_message (bytes, data, data + total, TRUE, &parser->limits, &local);
  if (!msg)
    return stream_fail (parser, local, error);
  parser->start += total;
  parser->need = 0;
  return msg;
}
