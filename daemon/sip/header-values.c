/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * header-values.c — typed parsers for header values: Via, name-addr
 * (From/To/Contact/Route/Record-Route/Refer-To/Referred-By), CSeq,
 * Content-Type, credentials and challenges, Event, Subscription-State,
 * Retry-After, Session-Expires, Replaces, Date, Warning; and
 * tc_sip_header_validate(), which the message parser runs on every known
 * header so that a malformed value rejects the message with a precise reason.
 */
#include "sip/header.h"

#include "sip/lex.h"
#include "sip/sip-error.h"

#define parse_error(error, ...) tc_sip_set_error ((error), TC_SIP_ERROR_PARSE, 400, __VA_ARGS__)

static gboolean
expect_end (TcSipLex *lex, const char *what, GError **error)
{
  tc_lex_skip_ws (lex);
  if (!tc_lex_eof (lex))
    {
      parse_error (error, "%s: unexpected \"%c\"", what, *lex->p);
      return FALSE;
    }
  return TRUE;
}

static gboolean
str_to_uint (TcSipStr s, guint64 max, guint64 *out)
{
  TcSipLex lex;

  if (!s.str)
    return FALSE;
  tc_lex_init (&lex, s);
  return tc_lex_uint (&lex, max, out) && tc_lex_eof (&lex);
}

gboolean
tc_sip_parse_uint32 (TcSipStr value, guint32 max, guint32 *out, GError **error)
{
  guint64 v;

  if (!str_to_uint (value, max, &v))
    {
      parse_error (error, "\"%.*s\" is not a number from 0 to %u", (int) MIN (value.len, 40), value.str, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
tc_sip_parse_token (TcSipStr value, TcSipStr *token, GError **error)
{
  TcSipLex lex;

  tc_lex_init (&lex, value);
  if (!tc_lex_token (&lex, token) || !tc_lex_eof (&lex))
    {
      parse_error (error, "\"%.*s\" is not a token", (int) MIN (value.len, 40), value.str);
      return FALSE;
    }
  return TRUE;
}

/* ---- Via ---------------------------------------------------------------- */

static gboolean
on_via_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  TcSipVia *via = user_data;
  guint64 n;

  if (tc_sip_str_equal_ci (name, "branch"))
    {
      if (!value.str || value.str[0] == '"' || value.str[0] == '[')
        return parse_error (error, "Via: bad branch parameter"), FALSE;
      via->branch = value;
    }
  else if (tc_sip_str_equal_ci (name, "received"))
    {
      TcSipStr v = value;

      if (v.str && v.len >= 2 && v.str[0] == '[')
        v = tc_sip_str (v.str + 1, v.len - 2);
      if (!v.str || !(tc_lex_is_ipv4 (v.str, v.len) || tc_lex_is_ipv6 (v.str, v.len)))
        return parse_error (error, "Via: received is not an IP address"), FALSE;
      via->received = v;
    }
  else if (tc_sip_str_equal_ci (name, "rport"))
    {
      if (!value.str)
        via->rport = 0;
      else if (str_to_uint (value, 65535, &n) && n > 0)
        via->rport = n;
      else
        return parse_error (error, "Via: bad rport parameter"), FALSE;
    }
  else if (tc_sip_str_equal_ci (name, "ttl"))
    {
      if (!str_to_uint (value, 255, &n))
        return parse_error (error, "Via: ttl is not a number from 0 to 255"), FALSE;
      via->ttl = n;
    }
  else if (tc_sip_str_equal_ci (name, "maddr"))
    {
      TcSipLex lex;
      TcSipStr host;
      int type;

      if (!value.str)
        return parse_error (error, "Via: maddr is not a host"), FALSE;
      tc_lex_init (&lex, value);
      if (!tc_lex_host (&lex, &host, &type) || !tc_lex_eof (&lex))
        return parse_error (error, "Via: maddr is not a host"), FALSE;
      via->maddr = host;
    }
  return TRUE;
}

gboolean
tc_lex_via (TcSipLex *lex, TcSipVia *via, GError **error)
{
  guint64 port;
  int type;

  memset (via, 0, sizeof *via);
  via->ttl = -1;
  via->rport = -1;
  tc_lex_skip_ws (lex);

  if (!tc_lex_token (lex, &via->protocol_name) || !tc_lex_sep (lex, '/') ||
      !tc_lex_token (lex, &via->protocol_version) || !tc_lex_sep (lex, '/') || !tc_lex_token (lex, &via->transport))
    return parse_error (error, "Via: malformed sent-protocol"), FALSE;

  if (!tc_lex_skip_ws (lex))
    return parse_error (error, "Via: missing space before sent-by"), FALSE;
  if (!tc_lex_host (lex, &via->host, &type))
    return parse_error (error, "Via: malformed sent-by host"), FALSE;
  if (tc_lex_sep (lex, ':'))
    {
      if (!tc_lex_uint (lex, 65535, &port))
        return parse_error (error, "Via: bad port"), FALSE;
      via->port = port;
    }
  return tc_lex_params (lex, &via->params.raw, on_via_param, via, "Via", error);
}

gboolean
tc_sip_parse_via (TcSipStr value, TcSipVia *via, GError **error)
{
  TcSipLex lex;

  tc_lex_init (&lex, value);
  return tc_lex_via (&lex, via, error) && expect_end (&lex, "Via", error);
}

/* ---- name-addr ---------------------------------------------------------- */

static gboolean
on_name_addr_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  TcSipNameAddr *addr = user_data;

  if (tc_sip_str_equal_ci (name, "tag"))
    {
      if (!value.str || value.str[0] == '"' || value.str[0] == '[' || memchr (value.str, ':', value.len))
        return parse_error (error, "bad tag parameter"), FALSE;
      addr->tag = value;
    }
  return TRUE;
}

static gboolean
lex_name_addr_full (TcSipLex *lex, TcSipNameAddr *addr, const char *what, TcLexParamFunc each, gpointer data,
                    GError **error)
{
  const char *start;

  memset (addr, 0, sizeof *addr);
  tc_lex_skip_ws (lex);
  start = lex->p;

  if (tc_lex_peek (lex) == '"')
    {
      if (!tc_lex_quoted_string (lex, &addr->display_name))
        return parse_error (error, "%s: unterminated quoted display name", what), FALSE;
      tc_lex_skip_ws (lex);
      if (tc_lex_peek (lex) != '<')
        return parse_error (error, "%s: display name not followed by <URI>", what), FALSE;
    }
  else if (tc_lex_peek (lex) != '<')
    {
      /* *(token LWS) "<", or an addr-spec */
      const char *last_end = NULL;

      while (tc_lex_token (lex, NULL))
        {
          last_end = lex->p;
          tc_lex_skip_ws (lex);
          if (tc_lex_peek (lex) == '<')
            break;
        }
      if (tc_lex_peek (lex) == '<' && last_end)
        addr->display_name = tc_sip_str (start, last_end - start);
      else
        lex->p = start;
    }

  if (tc_lex_peek (lex) == '<')
    {
      const char *uri = lex->p + 1;
      const char *close = memchr (uri, '>', lex->end - uri);

      if (!close)
        return parse_error (error, "%s: missing \">\"", what), FALSE;
      if (!tc_lex_uri (uri, close - uri, FALSE, what, error))
        return FALSE;
      addr->uri = tc_sip_str (uri, close - uri);
      lex->p = close + 1;
    }
  else
    {
      /* addr-spec: the URI ends at LWS, ";" or ","; one that holds ";", ","
       * or "?" must be in angle brackets (RFC 3261 §20), so it cannot be
       * told from the header parameters and is taken as those. */
      const char *p = lex->p;

      while (p < lex->end && !tc_lex_is (*p, TC_LEX_WS) && *p != ';' && *p != ',')
        p++;
      if (p == lex->p)
        return parse_error (error, "%s: missing URI", what), FALSE;
      if (memchr (lex->p, '?', p - lex->p))
        return parse_error (error, "%s: a URI with headers must be enclosed in <>", what), FALSE;
      if (!tc_lex_uri (lex->p, p - lex->p, FALSE, what, error))
        return FALSE;
      addr->uri = tc_sip_str (lex->p, p - lex->p);
      lex->p = p;
    }

  return tc_lex_params (lex, &addr->params.raw, each, data, what, error);
}

static gboolean
lex_name_addr (TcSipLex *lex, TcSipNameAddr *addr, const char *what, GError **error)
{
  return lex_name_addr_full (lex, addr, what, on_name_addr_param, addr, error);
}

gboolean
tc_sip_parse_name_addr (TcSipStr value, TcSipNameAddr *addr, GError **error)
{
  TcSipLex lex;

  tc_lex_init (&lex, value);
  return lex_name_addr (&lex, addr, "name-addr", error) && expect_end (&lex, "name-addr", error);
}

gboolean
tc_lex_header_name_addr (TcSipLex *lex, TcSipHeaderId id, TcSipNameAddr *addr, GError **error)
{
  const char *what = tc_sip_header_id_to_name (id);
  const char *start;

  if (!what)
    what = "name-addr";
  tc_lex_skip_ws (lex);
  start = lex->p;
  if (!lex_name_addr (lex, addr, what, error))
    return FALSE;
  /* route-param = name-addr: the URI is always in angle brackets */
  if ((id == TC_SIP_HEADER_ROUTE || id == TC_SIP_HEADER_RECORD_ROUTE) &&
      (addr->uri.str == start || addr->uri.str[-1] != '<'))
    return parse_error (error, "%s: the URI must be enclosed in <>", what), FALSE;
  return TRUE;
}

gboolean
tc_sip_parse_header_name_addr (TcSipHeaderId id, TcSipStr value, TcSipNameAddr *addr, GError **error)
{
  const char *what = tc_sip_header_id_to_name (id);
  TcSipLex lex;

  tc_lex_init (&lex, value);
  return tc_lex_header_name_addr (&lex, id, addr, error) && expect_end (&lex, what ? what : "name-addr", error);
}

/* ---- Contact ------------------------------------------------------------ */

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static gboolean
parse_qvalue (TcSipStr v, gint *q)
{
  gint value, scale = 100;
  gsize i;

  if (!v.str || v.len == 0 || (v.str[0] != '0' && v.str[0] != '1'))
    return FALSE;
  value = (v.str[0] - '0') * 1000;
  if (v.len == 1)
    goto done;
  if (v.str[1] != '.' || v.len > 5)
    return FALSE;
  for (i = 2; i < v.len; i++, scale /= 10)
    {
      if (!g_ascii_isdigit (v.str[i]))
        return FALSE;
      value += (v.str[i] - '0') * scale;
    }
  if (value > 1000)
    return FALSE;
done:
  *q = value;
  return TRUE;
}

static gboolean
on_contact_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  TcSipContact *contact = user_data;
  guint64 n;

  if (tc_sip_str_equal_ci (name, "q"))
    {
      if (!parse_qvalue (value, &contact->q))
        return parse_error (error, "Contact: bad q value"), FALSE;
    }
  else if (tc_sip_str_equal_ci (name, "expires"))
    {
      if (!str_to_uint (value, G_MAXUINT32, &n))
        return parse_error (error, "Contact: expires is not a number from 0 to 4294967295"), FALSE;
      contact->expires = n;
    }
  else if (tc_sip_str_equal_ci (name, "reg-id"))
    {
      if (!str_to_uint (value, G_MAXUINT32, &n) || n == 0)
        return parse_error (error, "Contact: bad reg-id"), FALSE;
      contact->reg_id = n;
    }
  else if (tc_sip_str_equal_ci (name, "+sip.instance"))
    {
      if (!value.str || value.str[0] != '"')
        return parse_error (error, "Contact: +sip.instance must be a quoted string"), FALSE;
      contact->instance = value;
    }
  else if (tc_sip_str_equal_ci (name, "pub-gruu"))
    contact->pub_gruu = value;
  else if (tc_sip_str_equal_ci (name, "temp-gruu"))
    contact->temp_gruu = value;
  return TRUE;
}

gboolean
tc_lex_contact (TcSipLex *lex, TcSipContact *contact, GError **error)
{
  memset (contact, 0, sizeof *contact);
  contact->q = -1;
  contact->expires = -1;
  contact->reg_id = -1;

  tc_lex_skip_ws (lex);
  if (tc_lex_peek (lex) == '*')
    {
      lex->p++;
      contact->star = TRUE;
      return TRUE;
    }
  return lex_name_addr_full (lex, &contact->addr, "Contact", on_contact_param, contact, error);
}

gboolean
tc_sip_parse_contact (TcSipStr value, TcSipContact *contact, GError **error)
{
  TcSipLex lex;

  tc_lex_init (&lex, value);
  return tc_lex_contact (&lex, contact, error) && expect_end (&lex, "Contact", error);
}

/* ---- CSeq, Content-Type ------------------------------------------------- */

gboolean
tc_sip_parse_cseq (TcSipStr value, TcSipCSeq *cseq, GError **error)
{
  TcSipLex lex;
  guint64 n;

  tc_lex_init (&lex, value);
  tc_lex_skip_ws (&lex);
  /* RFC 3261 §8.1.1.5: the sequence number MUST be less than 2**31 */
  if (!tc_lex_uint (&lex, G_MAXINT32, &n))
    return parse_error (error, "CSeq: sequence number missing or larger than 2147483647"), FALSE;
  if (!tc_lex_skip_ws (&lex) || !tc_lex_token (&lex, &cseq->method))
    return parse_error (error, "CSeq: missing method"), FALSE;
  cseq->seq = n;
  return expect_end (&lex, "CSeq", error);
}

static gboolean
on_any_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  return TRUE;
}

gboolean
tc_sip_parse_content_type (TcSipStr value, TcSipContentType *ct, GError **error)
{
  TcSipLex lex;

  memset (ct, 0, sizeof *ct);
  tc_lex_init (&lex, value);
  tc_lex_skip_ws (&lex);
  if (!tc_lex_token (&lex, &ct->type) || !tc_lex_sep (&lex, '/') || !tc_lex_token (&lex, &ct->subtype))
    return parse_error (error, "Content-Type: malformed media type"), FALSE;
  if (!tc_lex_params (&lex, &ct->params.raw, on_any_param, NULL, "Content-Type", error))
    return FALSE;
  return expect_end (&lex, "Content-Type", error);
}

/* ---- credentials and challenges ------------------------------------------ */

/* auth-param = token EQUAL ( token / quoted-string ), comma-separated.
 * Walks them; calls @each with the value (quotes stripped). */
static gboolean
walk_auth_params (TcSipStr params, const char *want, TcSipStr *found, GError **error)
{
  TcSipLex lex;
  gboolean first = TRUE;

  tc_lex_init (&lex, params);
  tc_lex_skip_ws (&lex);
  if (tc_lex_eof (&lex))
    return !want ? TRUE : FALSE;

  do
    {
      TcSipStr name, value;

      if (!first)
        {
          /* tolerate empty elements between commas (RFC 7235 #rule) */
          while (tc_lex_sep (&lex, ','))
            ;
        }
      first = FALSE;
      if (!tc_lex_token (&lex, &name) || !tc_lex_sep (&lex, '='))
        return parse_error (error, "malformed auth-param"), FALSE;
      if (tc_lex_peek (&lex) == '"')
        {
          if (!tc_lex_quoted_string (&lex, &value))
            return parse_error (error, "unterminated quoted auth-param value"), FALSE;
          value = tc_sip_str (value.str + 1, value.len - 2);
        }
      else if (!tc_lex_span (&lex, TC_LEX_TOKEN | TC_LEX_PARAM, &value))
        return parse_error (error, "bad value of auth-param \"%.*s\"", (int) name.len, name.str), FALSE;

      if (want && tc_sip_str_equal_ci (name, want))
        {
          *found = value;
          return TRUE;
        }
      tc_lex_skip_ws (&lex);
    }
  while (tc_lex_sep (&lex, ','));

  if (!tc_lex_eof (&lex))
    return parse_error (error, "unexpected \"%c\" in auth-params", *lex.p), FALSE;
  return !want;
}

gboolean
tc_sip_parse_auth (TcSipStr value, TcSipAuth *auth, GError **error)
{
  TcSipLex lex;

  tc_lex_init (&lex, value);
  tc_lex_skip_ws (&lex);
  if (!tc_lex_token (&lex, &auth->scheme))
    return parse_error (error, "missing authentication scheme"), FALSE;
  tc_lex_skip_ws (&lex);
  auth->params = tc_sip_str (lex.p, lex.end - lex.p);
  return walk_auth_params (auth->params, NULL, NULL, error);
}

gboolean
tc_sip_auth_get_param (const TcSipAuth *auth, const char *name, TcSipStr *value)
{
  return walk_auth_params (auth->params, name, value, NULL);
}

/* ---- event packages, subscriptions ---------------------------------------- */

static gboolean
on_event_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  TcSipEvent *event = user_data;

  if (tc_sip_str_equal_ci (name, "id"))
    event->id = value;
  return TRUE;
}

gboolean
tc_sip_parse_event (TcSipStr value, TcSipEvent *event, GError **error)
{
  TcSipLex lex;

  memset (event, 0, sizeof *event);
  tc_lex_init (&lex, value);
  tc_lex_skip_ws (&lex);
  if (!tc_lex_token (&lex, &event->package))
    return parse_error (error, "Event: missing event type"), FALSE;
  if (!tc_lex_params (&lex, &event->params.raw, on_event_param, event, "Event", error))
    return FALSE;
  return expect_end (&lex, "Event", error);
}

static gboolean
on_subscription_state_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  TcSipSubscriptionState *ss = user_data;
  guint64 n;

  if (tc_sip_str_equal_ci (name, "reason"))
    ss->reason = value;
  else if (tc_sip_str_equal_ci (name, "expires") || tc_sip_str_equal_ci (name, "retry-after"))
    {
      if (!str_to_uint (value, G_MAXUINT32, &n))
        return parse_error (error, "Subscription-State: bad %.*s", (int) name.len, name.str), FALSE;
      if (g_ascii_tolower (name.str[0]) == 'e')
        ss->expires = n;
      else
        ss->retry_after = n;
    }
  return TRUE;
}

gboolean
tc_sip_parse_subscription_state (TcSipStr value, TcSipSubscriptionState *ss, GError **error)
{
  TcSipLex lex;

  memset (ss, 0, sizeof *ss);
  ss->expires = -1;
  ss->retry_after = -1;
  tc_lex_init (&lex, value);
  tc_lex_skip_ws (&lex);
  if (!tc_lex_token (&lex, &ss->state))
    return parse_error (error, "Subscription-State: missing state"), FALSE;
  if (!tc_lex_params (&lex, &ss->params.raw, on_subscription_state_param, ss, "Subscription-State", error))
    return FALSE;
  return expect_end (&lex, "Subscription-State", error);
}

static gboolean
on_retry_after_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  TcSipRetryAfter *ra = user_data;
  guint64 n;

  if (tc_sip_str_equal_ci (name, "duration"))
    {
      if (!str_to_uint (value, G_MAXUINT32, &n))
        return parse_error (error, "Retry-After: bad duration"), FALSE;
      ra->duration = n;
    }
  return TRUE;
}

/* comment = LPAREN *(ctext / quoted-pair / comment) RPAREN, nesting counted
 * without recursion. */
static gboolean
lex_comment (TcSipLex *lex, TcSipStr *out)
{
  const char *start = lex->p;
  guint depth = 0;

  for (; lex->p < lex->end; lex->p++)
    {
      char c = *lex->p;

      if (c == '\\')
        {
          if (++lex->p >= lex->end)
            return FALSE;
        }
      else if (c == '(')
        depth++;
      else if (c == ')')
        {
          if (depth == 0)
            return FALSE;
          if (--depth == 0)
            {
              lex->p++;
              *out = tc_sip_str (start, lex->p - start);
              return TRUE;
            }
        }
    }
  return FALSE;
}

gboolean
tc_sip_parse_retry_after (TcSipStr value, TcSipRetryAfter *ra, GError **error)
{
  TcSipLex lex;
  guint64 n;

  memset (ra, 0, sizeof *ra);
  ra->duration = -1;
  tc_lex_init (&lex, value);
  tc_lex_skip_ws (&lex);
  if (!tc_lex_uint (&lex, G_MAXUINT32, &n))
    return parse_error (error, "Retry-After: not a number of seconds"), FALSE;
  ra->seconds = n;
  tc_lex_skip_ws (&lex);
  if (tc_lex_peek (&lex) == '(' && !lex_comment (&lex, &ra->comment))
    return parse_error (error, "Retry-After: malformed comment"), FALSE;
  if (!tc_lex_params (&lex, &ra->params.raw, on_retry_after_param, ra, "Retry-After", error))
    return FALSE;
  return expect_end (&lex, "Retry-After", error);
}

static gboolean
on_session_expires_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  TcSipSessionExpires *se = user_data;

  if (tc_sip_str_equal_ci (name, "refresher"))
    {
      if (!tc_sip_str_equal_ci (value, "uac") && !tc_sip_str_equal_ci (value, "uas"))
        return parse_error (error, "Session-Expires: refresher must be uac or uas"), FALSE;
      se->refresher = value;
    }
  return TRUE;
}

gboolean
tc_sip_parse_session_expires (TcSipStr value, TcSipSessionExpires *se, GError **error)
{
  TcSipLex lex;
  guint64 n;

  memset (se, 0, sizeof *se);
  tc_lex_init (&lex, value);
  tc_lex_skip_ws (&lex);
  if (!tc_lex_uint (&lex, G_MAXUINT32, &n))
    return parse_error (error, "Session-Expires: not a number of seconds"), FALSE;
  se->delta = n;
  if (!tc_lex_params (&lex, &se->params.raw, on_session_expires_param, se, "Session-Expires", error))
    return FALSE;
  return expect_end (&lex, "Session-Expires", error);
}

static gboolean
on_replaces_param (TcSipStr name, TcSipStr value, gpointer user_data, GError **error)
{
  TcSipReplaces *r = user_data;

  if (tc_sip_str_equal_ci (name, "to-tag"))
    r->to_tag = value;
  else if (tc_sip_str_equal_ci (name, "from-tag"))
    r->from_tag = value;
  else if (tc_sip_str_equal_ci (name, "early-only"))
    r->early_only = TRUE;
  return TRUE;
}

gboolean
tc_sip_parse_replaces (TcSipStr value, TcSipReplaces *replaces, GError **error)
{
  TcSipLex lex;

  memset (replaces, 0, sizeof *replaces);
  tc_lex_init (&lex, value);
  tc_lex_skip_ws (&lex);
  /* callid = word [ "@" word ] */
  if (!tc_lex_span (&lex, TC_LEX_WORD, &replaces->call_id))
    return parse_error (error, "Replaces: missing Call-ID"), FALSE;
  if (tc_lex_peek (&lex) == '@')
    {
      lex.p++;
      if (!tc_lex_span (&lex, TC_LEX_WORD, NULL))
        return parse_error (error, "Replaces: malformed Call-ID"), FALSE;
      replaces->call_id.len = lex.p - replaces->call_id.str;
    }
  if (!tc_lex_params (&lex, &replaces->params.raw, on_replaces_param, replaces, "Replaces", error))
    return FALSE;
  if (!replaces->to_tag.str || !replaces->from_tag.str)
    return parse_error (error, "Replaces: to-tag and from-tag are required"), FALSE;
  return expect_end (&lex, "Replaces", error);
}

/* ---- Date, Warning ------------------------------------------------------ */

static gboolean
match_one_of (const char *p, const char *const *names, guint n)
{
  guint i;

  for (i = 0; i < n; i++)
    if (memcmp (p, names[i], 3) == 0)
      return TRUE;
  return FALSE;
}

/* rfc1123-date = wkday "," SP date1 SP time SP "GMT"
 * date1 = 2DIGIT SP month SP 4DIGIT; time = 2DIGIT ":" 2DIGIT ":" 2DIGIT */
gboolean
tc_sip_parse_date (TcSipStr value, GError **error)
{
  static const char *const wkdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  /* '9' is a digit, '?' a letter of a day or month name */
  static const char pattern[] = "???, 99 ??? 9999 99:99:99 GMT";
  const char *p = value.str;
  gsize i;

  if (value.len != sizeof pattern - 1)
    goto bad;
  for (i = 0; i < value.len; i++)
    {
      char want = pattern[i];

      if (want == '9')
        {
          if (!g_ascii_isdigit (p[i]))
            goto bad;
        }
      else if (want != '?' && p[i] != want)
        goto bad;
    }
  if (!match_one_of (p, wkdays, G_N_ELEMENTS (wkdays)) || !match_one_of (p + 8, months, G_N_ELEMENTS (months)))
    goto bad;
  return TRUE;

bad:
  parse_error (error, "Date: not an RFC 1123 date in GMT");
  return FALSE;
}

/* warning-value = warn-code SP warn-agent SP warn-text; warn-code = 3DIGIT */
static gboolean
parse_warning_value (TcSipStr value, GError **error)
{
  TcSipLex lex;
  TcSipStr code, agent;
  int type;

  tc_lex_init (&lex, value);
  if (!tc_lex_span (&lex, TC_LEX_DIGIT, &code) || code.len != 3 || tc_lex_peek (&lex) != ' ')
    return parse_error (error, "Warning: warn-code must be three digits"), FALSE;
  lex.p++;
  if (!tc_lex_host (&lex, &agent, &type))
    {
      if (!tc_lex_token (&lex, &agent))
        return parse_error (error, "Warning: missing warn-agent"), FALSE;
    }
  else if (tc_lex_peek (&lex) == ':')
    {
      guint64 port;

      lex.p++;
      if (!tc_lex_uint (&lex, 65535, &port))
        return parse_error (error, "Warning: bad warn-agent port"), FALSE;
    }
  if (tc_lex_peek (&lex) != ' ')
    return parse_error (error, "Warning: missing warn-text"), FALSE;
  lex.p++;
  if (!tc_lex_quoted_string (&lex, NULL))
    return parse_error (error, "Warning: warn-text must be a quoted string"), FALSE;
  return expect_end (&lex, "Warning", error);
}

gboolean
tc_sip_parse_warning (TcSipStr value, GError **error)
{
  return parse_warning_value (value, error);
}

/* ---- whole-value validation --------------------------------------------- */

typedef gboolean (*ElementFunc) (TcSipStr element, const char *what, GError **error);

static gboolean
validate_list (TcSipStr value, const char *what, gboolean allow_empty_list, ElementFunc func, GError **error)
{
  TcSipListIter iter;
  TcSipStr element;
  guint n = 0;

  tc_sip_list_iter_init (&iter, value);
  while (tc_sip_list_iter_next (&iter, &element))
    {
      if (element.len == 0)
        {
          if (allow_empty_list && n == 0 && value.len == 0)
            return TRUE;
          return parse_error (error, "%s: empty list element", what), FALSE;
        }
      if (!func (element, what, error))
        return FALSE;
      n++;
    }
  return TRUE;
}

static gboolean
element_token (TcSipStr element, const char *what, GError **error)
{
  TcSipStr token;

  if (!tc_sip_parse_token (element, &token, error))
    return g_prefix_error (error, "%s: ", what), FALSE;
  return TRUE;
}

static gboolean
element_media_range (TcSipStr element, const char *what, GError **error)
{
  TcSipContentType ct;

  return tc_sip_parse_content_type (element, &ct, error);
}

static gboolean
element_warning (TcSipStr element, const char *what, GError **error)
{
  return parse_warning_value (element, error);
}

static gboolean
element_route (TcSipStr element, const char *what, GError **error)
{
  TcSipNameAddr addr;

  return tc_sip_parse_header_name_addr (g_str_equal (what, "Route") ? TC_SIP_HEADER_ROUTE : TC_SIP_HEADER_RECORD_ROUTE,
                                        element, &addr, error);
}

static gboolean
element_via (TcSipStr element, const char *what, GError **error)
{
  TcSipVia via;

  return tc_sip_parse_via (element, &via, error);
}

static gboolean
element_contact (TcSipStr element, const char *what, GError **error)
{
  TcSipContact contact;

  return tc_sip_parse_contact (element, &contact, error);
}

gboolean
tc_sip_header_validate (TcSipHeaderId id, TcSipStr value, GError **error)
{
  TcSipNameAddr addr;
  TcSipCSeq cseq;
  TcSipContentType ct;
  TcSipAuth auth;
  TcSipEvent event;
  TcSipSubscriptionState ss;
  TcSipRetryAfter ra;
  TcSipSessionExpires se;
  TcSipReplaces replaces;
  TcSipStr token;
  guint32 n;

  switch (id)
    {
    case TC_SIP_HEADER_OTHER:
    case TC_SIP_HEADER_SUBJECT:
    case TC_SIP_HEADER_USER_AGENT:
    case TC_SIP_HEADER_CONTENT_DISPOSITION:
      return TRUE;
    case TC_SIP_HEADER_CALL_ID:
      {
        /* callid = word [ "@" word ] */
        TcSipLex lex;

        tc_lex_init (&lex, value);
        if (!tc_lex_span (&lex, TC_LEX_WORD, NULL) ||
            (tc_lex_peek (&lex) == '@' && (lex.p++, !tc_lex_span (&lex, TC_LEX_WORD, NULL))) || !tc_lex_eof (&lex))
          return parse_error (error, "Call-ID: malformed"), FALSE;
        return TRUE;
      }
    case TC_SIP_HEADER_ACCEPT:
      return validate_list (value, "Accept", TRUE, element_media_range, error);
    case TC_SIP_HEADER_ALLOW:
    case TC_SIP_HEADER_CONTENT_ENCODING:
      return validate_list (value, tc_sip_header_id_to_name (id), TRUE, element_token, error);
    case TC_SIP_HEADER_ALLOW_EVENTS:
    case TC_SIP_HEADER_PROXY_REQUIRE:
    case TC_SIP_HEADER_REQUIRE:
    case TC_SIP_HEADER_SUPPORTED:
    case TC_SIP_HEADER_UNSUPPORTED:
      return validate_list (value, tc_sip_header_id_to_name (id), id == TC_SIP_HEADER_SUPPORTED, element_token, error);
    case TC_SIP_HEADER_AUTHORIZATION:
    case TC_SIP_HEADER_PROXY_AUTHORIZATION:
    case TC_SIP_HEADER_WWW_AUTHENTICATE:
    case TC_SIP_HEADER_PROXY_AUTHENTICATE:
      if (!tc_sip_parse_auth (value, &auth, error))
        return g_prefix_error (error, "%s: ", tc_sip_header_id_to_name (id)), FALSE;
      return TRUE;
    case TC_SIP_HEADER_CONTACT:
      return validate_list (value, "Contact", FALSE, element_contact, error);
    case TC_SIP_HEADER_CONTENT_LENGTH:
    case TC_SIP_HEADER_EXPIRES:
    case TC_SIP_HEADER_MIN_EXPIRES:
    case TC_SIP_HEADER_MIN_SE:
    case TC_SIP_HEADER_MAX_FORWARDS:
      if (!tc_sip_parse_uint32 (value, id == TC_SIP_HEADER_MAX_FORWARDS ? 255 : G_MAXUINT32, &n, error))
        return g_prefix_error (error, "%s: ", tc_sip_header_id_to_name (id)), FALSE;
      return TRUE;
    case TC_SIP_HEADER_CONTENT_TYPE:
      return tc_sip_parse_content_type (value, &ct, error);
    case TC_SIP_HEADER_CSEQ:
      return tc_sip_parse_cseq (value, &cseq, error);
    case TC_SIP_HEADER_DATE:
      return tc_sip_parse_date (value, error);
    case TC_SIP_HEADER_EVENT:
      return tc_sip_parse_event (value, &event, error);
    case TC_SIP_HEADER_FROM:
    case TC_SIP_HEADER_TO:
    case TC_SIP_HEADER_REFER_TO:
    case TC_SIP_HEADER_REFERRED_BY:
      return tc_sip_parse_header_name_addr (id, value, &addr, error);
    case TC_SIP_HEADER_RECORD_ROUTE:
    case TC_SIP_HEADER_ROUTE:
      return validate_list (value, tc_sip_header_id_to_name (id), FALSE, element_route, error);
    case TC_SIP_HEADER_REPLACES:
      return tc_sip_parse_replaces (value, &replaces, error);
    case TC_SIP_HEADER_RETRY_AFTER:
      return tc_sip_parse_retry_after (value, &ra, error);
    case TC_SIP_HEADER_SESSION_EXPIRES:
      return tc_sip_parse_session_expires (value, &se, error);
    case TC_SIP_HEADER_SIP_ETAG:
    case TC_SIP_HEADER_SIP_IF_MATCH:
      if (!tc_sip_parse_token (value, &token, error))
        return g_prefix_error (error, "%s: ", tc_sip_header_id_to_name (id)), FALSE;
      return TRUE;
    case TC_SIP_HEADER_SUBSCRIPTION_STATE:
      return tc_sip_parse_subscription_state (value, &ss, error);
    case TC_SIP_HEADER_VIA:
      return validate_list (value, "Via", FALSE, element_via, error);
    case TC_SIP_HEADER_WARNING:
      return validate_list (value, "Warning", FALSE, element_warning, error);
    case TC_SIP_HEADER_N_IDS:
      break;
    }
  g_return_val_if_reached (FALSE);
}
