/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-sip-header.c — libFuzzer target for the typed header parsers
 * (header.h).
 *
 * The first input byte selects a tc_sip_parse_*() function (byte % 16); the
 * rest is the header value, parsed in place so ASan sees any read past it.
 * The value also goes through tc_sip_header_validate() as every known
 * header (the validators are what the message parser runs).
 * Besides the selected parser, every input goes through the list and
 * parameter iterators and the header name table.  A value
 * that validates as a Via, Contact, Route, Record-Route, From, To, Refer-To
 * or Referred-By must also parse, element by element, with the typed parser
 * the message getters use.
 */
#include "fuzz-util.h"

#include "sip/sip-error.h"

enum {
  F_VIA,
  F_NAME_ADDR,
  F_CONTACT,
  F_CSEQ,
  F_UINT32_255,
  F_UINT32_MAX,
  F_CONTENT_TYPE,
  F_AUTH,
  F_EVENT,
  F_SUBSCRIPTION_STATE,
  F_RETRY_AFTER,
  F_SESSION_EXPIRES,
  F_REPLACES,
  F_TOKEN,
  F_DATE,
  F_WARNING,
  N_F,
};

static FuzzBuf
buf_of (TcSipStr value)
{
  return (FuzzBuf){ value.str, value.len };
}

static void
run_parser (guint which, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  FuzzBuf buf = buf_of (value);
  gboolean ok = FALSE;

  switch (which)
    {
    case F_VIA:
      {
        TcSipVia via;

        ok = tc_sip_parse_via (value, &via, &error);
        if (ok)
          fuzz_exercise_via (&via, buf);
        break;
      }
    case F_NAME_ADDR:
      {
        TcSipNameAddr addr;

        ok = tc_sip_parse_name_addr (value, &addr, &error);
        if (ok)
          fuzz_exercise_name_addr (&addr, buf);
        break;
      }
    case F_CONTACT:
      {
        TcSipContact contact;

        ok = tc_sip_parse_contact (value, &contact, &error);
        if (ok)
          fuzz_exercise_contact (&contact, buf);
        break;
      }
    case F_CSEQ:
      {
        TcSipCSeq cseq;

        ok = tc_sip_parse_cseq (value, &cseq, &error);
        if (ok)
          {
            fuzz_touch_str (cseq.method, buf, "CSeq method");
            fuzz_check (cseq.method.len > 0, "CSeq without a method");
          }
        break;
      }
    case F_UINT32_255:
    case F_UINT32_MAX:
      {
        guint32 max = which == F_UINT32_255 ? 255 : G_MAXUINT32;
        guint32 n = 0;

        ok = tc_sip_parse_uint32 (value, max, &n, &error);
        if (ok)
          fuzz_check (n <= max, "tc_sip_parse_uint32() returned %u over its maximum %u", n, max);
        break;
      }
    case F_CONTENT_TYPE:
      {
        TcSipContentType ct;

        ok = tc_sip_parse_content_type (value, &ct, &error);
        if (ok)
          {
            fuzz_touch_str (ct.type, buf, "type");
            fuzz_touch_str (ct.subtype, buf, "subtype");
            fuzz_check (ct.type.len > 0 && ct.subtype.len > 0, "Content-Type without type or subtype");
            fuzz_exercise_params (&ct.params, buf);
          }
        break;
      }
    case F_AUTH:
      {
        TcSipAuth auth;

        ok = tc_sip_parse_auth (value, &auth, &error);
        if (ok)
          fuzz_exercise_auth (&auth, buf);
        break;
      }
    case F_EVENT:
      {
        TcSipEvent event;

        ok = tc_sip_parse_event (value, &event, &error);
        if (ok)
          {
            fuzz_touch_str (event.package, buf, "Event package");
            fuzz_touch_str (event.id, buf, "Event id");
            fuzz_check (event.package.len > 0, "Event without a package");
            fuzz_exercise_params (&event.params, buf);
          }
        break;
      }
    case F_SUBSCRIPTION_STATE:
      {
        TcSipSubscriptionState ss;

        ok = tc_sip_parse_subscription_state (value, &ss, &error);
        if (ok)
          {
            fuzz_touch_str (ss.state, buf, "state");
            fuzz_touch_str (ss.reason, buf, "reason");
            fuzz_check (ss.state.len > 0, "Subscription-State without a state");
            fuzz_check (ss.expires >= -1 && ss.retry_after >= -1, "Subscription-State expires/retry-after < -1");
            fuzz_exercise_params (&ss.params, buf);
          }
        break;
      }
    case F_RETRY_AFTER:
      {
        TcSipRetryAfter ra;

        ok = tc_sip_parse_retry_after (value, &ra, &error);
        if (ok)
          {
            fuzz_touch_str (ra.comment, buf, "comment");
            fuzz_check (ra.duration >= -1, "Retry-After duration %" G_GINT64_FORMAT, ra.duration);
            fuzz_exercise_params (&ra.params, buf);
          }
        break;
      }
    case F_SESSION_EXPIRES:
      {
        TcSipSessionExpires se;

        ok = tc_sip_parse_session_expires (value, &se, &error);
        if (ok)
          {
            fuzz_touch_str (se.refresher, buf, "refresher");
            fuzz_exercise_params (&se.params, buf);
          }
        break;
      }
    case F_REPLACES:
      {
        TcSipReplaces replaces;

        ok = tc_sip_parse_replaces (value, &replaces, &error);
        if (ok)
          {
            fuzz_touch_str (replaces.call_id, buf, "call-id");
            fuzz_touch_str (replaces.to_tag, buf, "to-tag");
            fuzz_touch_str (replaces.from_tag, buf, "from-tag");
            fuzz_check (replaces.call_id.len > 0, "Replaces without a call-id");
            fuzz_exercise_params (&replaces.params, buf);
          }
        break;
      }
    case F_TOKEN:
      {
        TcSipStr token;

        ok = tc_sip_parse_token (value, &token, &error);
        if (ok)
          {
            fuzz_touch_str (token, buf, "token");
            fuzz_check (token.len > 0, "empty token");
          }
        break;
      }
    case F_DATE:
      ok = tc_sip_parse_date (value, &error);
      break;
    case F_WARNING:
      ok = tc_sip_parse_warning (value, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  fuzz_check_result (ok, error, "tc_sip_parse_*");
}

/* Each non-empty list element of @value parses with the typed parser. */
static void
check_elements (TcSipHeaderId id, TcSipStr value)
{
  TcSipListIter iter;
  TcSipStr element;

  tc_sip_list_iter_init (&iter, value);
  while (tc_sip_list_iter_next (&iter, &element))
    {
      g_autoptr (GError) error = NULL;
      gboolean ok;

      if (element.len == 0)
        continue;
      if (id == TC_SIP_HEADER_VIA)
        {
          TcSipVia via;

          ok = tc_sip_parse_via (element, &via, &error);
        }
      else if (id == TC_SIP_HEADER_CONTACT)
        {
          TcSipContact contact;

          ok = tc_sip_parse_contact (element, &contact, &error);
        }
      else
        {
          TcSipNameAddr addr;

          ok = tc_sip_parse_name_addr (element, &addr, &error);
        }
      fuzz_check_result (ok, error, "typed parse of a list element");
      fuzz_check (ok, "%s validates, but its element does not parse: %s", tc_sip_header_id_to_name (id),
                  error->message);
    }
}

static void
run_validate (TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  gboolean ok;

  ok = tc_sip_header_validate (id, value, &error);
  fuzz_check_result (ok, error, "tc_sip_header_validate");
  if (!ok)
    return;

  if (id == TC_SIP_HEADER_VIA || id == TC_SIP_HEADER_CONTACT || id == TC_SIP_HEADER_ROUTE ||
      id == TC_SIP_HEADER_RECORD_ROUTE)
    check_elements (id, value);
  else if (id == TC_SIP_HEADER_FROM || id == TC_SIP_HEADER_TO || id == TC_SIP_HEADER_REFER_TO ||
           id == TC_SIP_HEADER_REFERRED_BY)
    {
      g_autoptr (GError) addr_error = NULL;
      TcSipNameAddr addr;

      ok = tc_sip_parse_name_addr (value, &addr, &addr_error);
      fuzz_check_result (ok, addr_error, "tc_sip_parse_name_addr");
      fuzz_check (ok, "%s validates, but does not parse as a name-addr: %s", tc_sip_header_id_to_name (id),
                  addr_error->message);
    }
}

/* The name table: every known id has a name that maps back to it, in any
 * case. */
static void
check_name_table (void)
{
  for (guint id = TC_SIP_HEADER_OTHER + 1; id < TC_SIP_HEADER_N_IDS; id++)
    {
      const char *name = tc_sip_header_id_to_name ((TcSipHeaderId) id);
      g_autofree char *upper = NULL;
      g_autofree char *lower = NULL;

      fuzz_check (name != NULL, "header id %u has no name", id);
      upper = g_ascii_strup (name, -1);
      lower = g_ascii_strdown (name, -1);
      fuzz_check (tc_sip_header_id_from_name (name, strlen (name)) == id, "\"%s\" does not map to id %u", name, id);
      fuzz_check (tc_sip_header_id_from_name (upper, strlen (upper)) == id, "\"%s\" does not map to id %u", upper, id);
      fuzz_check (tc_sip_header_id_from_name (lower, strlen (lower)) == id, "\"%s\" does not map to id %u", lower, id);
    }
  fuzz_check (tc_sip_header_id_to_name (TC_SIP_HEADER_OTHER) == NULL, "TC_SIP_HEADER_OTHER has a name");
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  check_name_table ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TcSipStr value, name, param_value;
  TcSipParams params;
  TcSipParamsIter iter;
  TcSipHeaderId id;
  guint which, n = 0;

  if (size < 1)
    return 0;
  which = data[0] % N_F;
  value = tc_sip_str ((const char *) data + 1, size - 1);

  run_parser (which, value);
  for (guint i = 0; i < TC_SIP_HEADER_N_IDS; i++)
    run_validate ((TcSipHeaderId) i, value);

  /* The generic machinery, on any bytes: it must stay inside them and end
   * (the lookup contracts are checked on parsed values only). */
  (void) fuzz_exercise_list (value);
  params.raw = value;
  tc_sip_params_iter_init (&iter, &params);
  while (tc_sip_params_iter_next (&iter, &name, &param_value))
    {
      fuzz_check (++n <= value.len + 1, "params iterator does not end");
      fuzz_touch_str (name, buf_of (value), "param name");
      fuzz_touch_str (param_value, buf_of (value), "param value");
    }
  (void) tc_sip_params_get (&params, "tag", &param_value);
  id = tc_sip_header_id_from_name (value.str, value.len);
  if (id != TC_SIP_HEADER_OTHER)
    fuzz_touch_cstr (tc_sip_header_id_to_name (id));
  (void) tc_sip_header_id_is_list (id);
  return 0;
}
