/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-sdp.c — libFuzzer target for the SDP offer/answer (media/sdp.h).
 *
 * The whole input is one remote SDP.  It is given to
 *
 *  - tc_sdp_session_create_answer() of a fresh session (an initial offer),
 *    twice (the second time a refresh or a re-offer), then our re-offer
 *    follows (tc_sdp_session_create_offer());
 *  - tc_sdp_session_process_answer() after an offer of ours.
 *
 * Beyond not crashing, each call must keep the contract of sdp.h: NULL or
 * FALSE exactly when the GError is set; the error is TC_MEDIA_ERROR_SDP or
 * _NO_CODEC with a message fit for a Warning header (non-empty printable
 * ASCII, no '"' or '\') and a warn-code of 302, 304, 305 or 399; a
 * failed call leaves our last SDP as it was; a result has a send codec of
 * ours with a payload type 0..127, a non-empty receive list, and an
 * address with a port when it has one; and every SDP we write is CRLF
 * throughout and is an offer that a fresh session can answer.
 */
#include <string.h>

#include "fuzz-util.h"

#include "media/media-error.h"
#include "media/sdp.h"

static TcMediaPolicy policy;

static void
check_error (const TcSdpSession *s, const GError *error, const char *what)
{
  guint warning = tc_sdp_session_get_warning_code (s);

  fuzz_check (error != NULL, "%s failed without an error", what);
  fuzz_check (error->domain == TC_MEDIA_ERROR &&
                (error->code == TC_MEDIA_ERROR_SDP || error->code == TC_MEDIA_ERROR_NO_CODEC),
              "%s: error %s %d", what, g_quark_to_string (error->domain), error->code);
  fuzz_check (error->message[0] != '\0', "%s: empty error message", what);
  for (const char *p = error->message; *p; p++)
    fuzz_check (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\', "%s: message unfit for a Warning: %s", what,
                error->message);
  fuzz_check (warning == 302 || warning == 304 || warning == 305 || warning == 399, "%s: warn-code %u", what, warning);
}

static void
check_params (const TcMediaParams *params, const char *what)
{
  fuzz_check (params->send.codec < TC_CODEC_TELEPHONE_EVENT, "%s: send codec %d", what, params->send.codec);
  fuzz_check (params->send.pt <= 127 && params->send.clock_rate > 0, "%s: send pt %u clock %u", what, params->send.pt,
              params->send.clock_rate);
  fuzz_check (params->receive->len > 0, "%s: nothing to receive", what);
  for (guint i = 0; i < params->receive->len; i++)
    fuzz_check (g_array_index (params->receive, TcPayload, i).pt <= 127, "%s: receive pt", what);
  fuzz_check (params->send_dtmf_pt <= 127 && params->recv_dtmf_pt <= 127, "%s: dtmf pt", what);
  fuzz_check (params->ptime >= 10 && params->ptime <= 120, "%s: ptime %u", what, params->ptime);
  fuzz_touch_cstr (params->send.fmtp);
  if (params->remote_rtp)
    fuzz_check (g_inet_socket_address_get_port (params->remote_rtp) != 0, "%s: remote RTP port 0", what);
  else
    fuzz_check (!(params->direction & TC_MEDIA_DIRECTION_SENDONLY), "%s: sending without an address", what);
  fuzz_check (!params->rtcp_mux || params->remote_rtcp == params->remote_rtp || !params->remote_rtp,
              "%s: rtcp-mux with another RTCP address", what);
}

/* Ours: CRLF throughout, and answerable. */
static void
check_ours (const char *sdp, const char *what)
{
  g_autoptr (TcSdpSession) other = tc_sdp_session_new (&policy, "192.0.2.2", 30000, 30001);
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;

  fuzz_check (g_str_has_prefix (sdp, "v=0\r\n") && g_str_has_suffix (sdp, "\r\n"), "%s: %s", what, sdp);
  for (const char *p = strchr (sdp, '\n'); p; p = strchr (p + 1, '\n'))
    fuzz_check (p[-1] == '\r', "%s: a bare LF in our SDP", what);
  /* An answer echoes the rejected lines of an offer close to the 64 KiB
   * limit of remote SDP, and may pass it. */
  if (strlen (sdp) > 64 * 1024)
    return;
  answer = tc_sdp_session_create_answer (other, sdp, strlen (sdp), TC_MEDIA_DIRECTION_SENDRECV, NULL, &error);
  fuzz_check (answer != NULL, "%s: our SDP is refused: %s\n%s", what, error->message, sdp);
}

/* Answers @data; returns whether it did. */
static gboolean
answer_once (TcSdpSession *s, const char *data, gsize size, TcMediaParams *params, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = g_strdup (tc_sdp_session_get_local_sdp (s));
  g_autofree char *answer = tc_sdp_session_create_answer (s, data, size, TC_MEDIA_DIRECTION_SENDRECV, params, &error);

  if (!answer)
    {
      check_error (s, error, what);
      fuzz_check (g_strcmp0 (before, tc_sdp_session_get_local_sdp (s)) == 0, "%s: a failure changed our SDP", what);
      return FALSE;
    }
  fuzz_check (error == NULL, "%s: an answer and an error", what);
  fuzz_check (tc_sdp_session_get_warning_code (s) == 0, "%s: a warn-code after success", what);
  check_params (params, what);
  check_ours (answer, what);
  return TRUE;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  tc_media_policy_init (&policy);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = data ? (const char *) data : "";
  TcMediaParams params;

  tc_media_params_init (&params);
  {
    g_autoptr (TcSdpSession) s = tc_sdp_session_new (&policy, "192.0.2.1", 40000, 40001);

    if (answer_once (s, text, size, &params, "create_answer"))
      {
        g_autofree char *reoffer = NULL;

        /* The same again: a refresh with the same answer. */
        g_autofree char *first = g_strdup (tc_sdp_session_get_local_sdp (s));

        fuzz_check (answer_once (s, text, size, &params, "create_answer (again)"), "a refresh failed");
        fuzz_check (!params.changed, "a refresh is a change");
        fuzz_check (strcmp (first, tc_sdp_session_get_local_sdp (s)) == 0, "a refresh changed our answer");
        reoffer = tc_sdp_session_create_offer (s, TC_MEDIA_DIRECTION_SENDONLY);
        check_ours (reoffer, "create_offer after an answer");
      }
  }
  {
    g_autoptr (TcSdpSession) s = tc_sdp_session_new (&policy, "192.0.2.1", 40000, 40001);
    g_autofree char *offer = tc_sdp_session_create_offer (s, TC_MEDIA_DIRECTION_SENDRECV);
    g_autoptr (GError) error = NULL;

    check_ours (offer, "create_offer");
    if (tc_sdp_session_process_answer (s, text, size, &params, &error))
      {
        fuzz_check (error == NULL, "process_answer: success and an error");
        fuzz_check (!tc_sdp_session_has_pending_offer (s), "process_answer: the offer still waits");
        check_params (&params, "process_answer");
      }
    else
      {
        check_error (s, error, "process_answer");
        fuzz_check (tc_sdp_session_has_pending_offer (s), "process_answer: a failure dropped the offer");
      }
  }
  tc_media_params_clear (&params);
  return 0;
}
