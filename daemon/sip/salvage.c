/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * salvage.c — the lenient scanner of salvage.h: the request line's method
 * and the raw Via, From, To, Call-ID and CSeq values of a request the
 * parser refused, so the transaction layer can answer it (RFC 3261 §8.2).
 *
 * Lines end at LF (CRLF or a bare LF); a line starting with SP or HTAB
 * continues the previous header (a fold).  Nothing is validated beyond
 * what finding those values needs: the builder re-parses what is copied.
 */
#include "sip/salvage.h"

#include "sip/lex.h"

/* One line: [start, end) without its line end; @next is past the LF. */
typedef struct {
  const char *start;
  const char *end;
  const char *next;
} Line;

static void
next_line (const char *p, const char *limit, Line *line)
{
  const char *lf = memchr (p, '\n', limit - p);

  line->start = p;
  line->end = lf ? lf : limit;
  line->next = lf ? lf + 1 : limit;
  if (line->end > line->start && line->end[-1] == '\r')
    line->end--;
}

static gboolean
is_wsp (char c)
{
  return c == ' ' || c == '\t';
}

static TcSipStr
trim (const char *start, const char *end)
{
  while (start < end && tc_lex_is ((guchar) *start, TC_LEX_WS))
    start++;
  while (end > start && tc_lex_is ((guchar) end[-1], TC_LEX_WS))
    end--;
  return tc_sip_str (start, end - start);
}

/* "<method> SP <uri> SP SIP/<version>": the method, or an unset view. */
static TcSipStr
scan_request_line (const char *start, const char *end)
{
  const char *p = start;
  const char *last_sp;

  while (p < end && tc_lex_is ((guchar) *p, TC_LEX_TOKEN))
    p++;
  if (p == start || p >= end || *p != ' ')
    return TC_SIP_STR_NULL;
  /* a response's start line begins with SIP/2.0, which is no token */
  last_sp = end;
  while (last_sp > p && last_sp[-1] != ' ')
    last_sp--;
  /* a non-empty URI between the method's space and the version's */
  if (last_sp <= p + 2)
    return TC_SIP_STR_NULL;
  if (end - last_sp < 4 || !tc_sip_mem_equal_ci (last_sp, "SIP/", 4))
    return TC_SIP_STR_NULL;
  return tc_sip_str (start, p - start);
}

static gboolean
name_is (TcSipStr name, const char *full, const char *compact)
{
  return tc_sip_str_equal_ci (name, full) || tc_sip_str_equal_ci (name, compact);
}

gboolean
tc_sip_salvage_request (GBytes *bytes, TcSipSalvage *out)
{
  const char *data, *limit, *p;
  gsize size;
  Line line;
  TcSipStr *current = NULL; /* the value the next fold extends */
  const char *value_start = NULL;

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  data = g_bytes_get_data (bytes, &size);
  if (!data || size == 0)
    return FALSE;
  limit = data + size;

  /* RFC 3261 §7.5: CRLFs before the start line are ignored */
  p = data;
  while (p < limit && (*p == '\r' || *p == '\n'))
    p++;
  if (p == limit)
    return FALSE;
  next_line (p, limit, &line);
  out->method = scan_request_line (line.start, line.end);
  if (!tc_sip_str_is_set (out->method))
    return FALSE;

  for (p = line.next; p < limit; p = line.next)
    {
      const char *colon;
      TcSipStr name;

      next_line (p, limit, &line);
      if (line.start == line.end)
        break; /* the end of the header section */
      if (is_wsp (*line.start))
        {
          /* a fold: the value now runs to the end of this line */
          if (current)
            *current = trim (value_start, line.end);
          continue;
        }
      current = NULL;
      colon = memchr (line.start, ':', line.end - line.start);
      if (!colon)
        continue;
      name = trim (line.start, colon);
      if (name_is (name, "Via", "v"))
        {
          if (out->n_vias == TC_SIP_SALVAGE_MAX_VIAS)
            return FALSE;
          current = &out->vias[out->n_vias++];
        }
      else if (name_is (name, "From", "f") && !out->from.str)
        current = &out->from;
      else if (name_is (name, "To", "t") && !out->to.str)
        current = &out->to;
      else if (name_is (name, "Call-ID", "i") && !out->call_id.str)
        current = &out->call_id;
      else if (tc_sip_str_equal_ci (name, "CSeq") && !out->cseq.str)
        current = &out->cseq;
      if (current)
        {
          value_start = colon + 1;
          *current = trim (value_start, line.end);
        }
    }

  /* every value must be there and non-empty; an empty Via line fails too */
  for (guint i = 0; i < out->n_vias; i++)
    if (out->vias[i].len == 0)
      return FALSE;
  return out->n_vias > 0 && out->from.len > 0 && out->to.len > 0 && out->call_id.len > 0 && out->cseq.len > 0;
}
