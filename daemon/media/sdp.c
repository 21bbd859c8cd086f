/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdp.c — TcSdpSession: the RFC 3264 offer/answer of one call's audio
 * stream: the session's state and the negotiation.  Our SDP is written
 * by sdp-write.c (on GstSDPMessage), remote SDP read by sdp-parse.c.
 * Every public call computes its whole result first and changes the
 * session only when it succeeds.
 */
#include "media/sdp.h"

#include <string.h>

#include "media/media-error.h"
#include "media/sdp-private.h"

static void
slot_clear (TcSdpSlot *slot)
{
  g_free (slot->media);
  g_free (slot->proto);
  g_free (slot->formats);
}

static gboolean
policy_has (const TcMediaPolicy *policy, TcCodec codec)
{
  if (codec == TC_CODEC_TELEPHONE_EVENT)
    return policy->telephone_event;
  for (guint i = 0; i < policy->codecs->len; i++)
    if (g_array_index (policy->codecs, TcCodec, i) == codec)
      return TRUE;
  return FALSE;
}

TcSdpSession *
tc_sdp_session_new (const TcMediaPolicy *policy, const char *local_address, guint rtp_port, guint rtcp_port)
{
  TcSdpSession *s;

  g_return_val_if_fail (policy != NULL && policy->codecs != NULL && policy->codecs->len > 0, NULL);
  g_return_val_if_fail (local_address != NULL && g_hostname_is_ip_address (local_address), NULL);
  g_return_val_if_fail (rtp_port > 0 && rtp_port <= 65535 && rtcp_port <= 65535, NULL);
  g_return_val_if_fail (rtcp_port != 0 || rtp_port < 65535, NULL);

  s = g_new0 (TcSdpSession, 1);
  tc_media_policy_copy (&s->policy, policy);
  s->address = g_strdup (local_address);
  s->origin_address = g_strdup (local_address);
  s->rtp_port = rtp_port;
  s->rtcp_port = rtcp_port;
  /* RFC 4566 §5.2: any number unique enough; kept below 2^62 so the
   * version can grow without wrapping. */
  s->id = ((((guint64) g_random_int ()) << 30) ^ g_random_int ()) | 1;
  s->version = s->id;
  s->slots = g_array_new (FALSE, TRUE, sizeof (TcSdpSlot));
  g_array_set_clear_func (s->slots, (GDestroyNotify) slot_clear);
  for (guint i = 0; i < TC_N_CODECS; i++)
    s->pts[i] = tc_codec_get_info (i)->default_pt;
  tc_media_params_init (&s->params);
  return s;
}

void
tc_sdp_session_free (TcSdpSession *s)
{
  if (!s)
    return;
  tc_media_policy_clear (&s->policy);
  g_free (s->address);
  g_free (s->origin_address);
  g_free (s->last_sent);
  g_array_unref (s->slots);
  g_clear_pointer (&s->offered, g_array_unref);
  g_free (s->remote_origin);
  g_free (s->remote_version);
  tc_media_params_clear (&s->params);
  g_free (s);
}

void
tc_sdp_session_set_policy (TcSdpSession *s, const TcMediaPolicy *policy)
{
  g_return_if_fail (s != NULL);
  g_return_if_fail (policy != NULL && policy->codecs != NULL && policy->codecs->len > 0);

  tc_media_policy_clear (&s->policy);
  tc_media_policy_copy (&s->policy, policy);
}

void
tc_sdp_session_set_local_address (TcSdpSession *s, const char *local_address)
{
  g_return_if_fail (s != NULL);
  g_return_if_fail (local_address != NULL && g_hostname_is_ip_address (local_address));

  g_free (s->address);
  s->address = g_strdup (local_address);
}

void
tc_sdp_session_set_local_ports (TcSdpSession *s, guint rtp_port, guint rtcp_port)
{
  g_return_if_fail (s != NULL);
  g_return_if_fail (rtp_port > 0 && rtp_port <= 65535 && rtcp_port <= 65535);
  g_return_if_fail (rtcp_port != 0 || rtp_port < 65535);

  s->rtp_port = rtp_port;
  s->rtcp_port = rtcp_port;
}

const char *
tc_sdp_session_get_local_sdp (const TcSdpSession *s)
{
  return s->last_sent;
}

const TcMediaParams *
tc_sdp_session_get_params (const TcSdpSession *s)
{
  return s->have_params ? &s->params : NULL;
}

gboolean
tc_sdp_session_has_pending_offer (const TcSdpSession *s)
{
  return s->offer_pending;
}

void
tc_sdp_session_cancel_offer (TcSdpSession *s)
{
  s->offer_pending = FALSE;
  g_clear_pointer (&s->offered, g_array_unref);
}

guint
tc_sdp_session_get_warning_code (const TcSdpSession *s)
{
  return s->warning;
}

guint
tc_sdp_warning_code (const GError *error)
{
  return g_error_matches (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC) ? 305 : 399;
}

/* Building our SDP. */

char *
tc_sdp_session_create_offer (TcSdpSession *s, TcMediaDirection direction)
{
  g_autoptr (GArray) payloads = NULL;
  GstSDPMessage *msg;
  char *text;

  g_return_val_if_fail (s != NULL, NULL);

  payloads = tc_sdp_offer_payloads (s);
  if (s->slots->len == 0)
    {
      TcSdpSlot slot = { g_strdup ("audio"), g_strdup ("RTP/AVP"), g_strdup ("") };

      g_array_append_val (s->slots, slot);
      s->audio_slot = 0;
    }
  msg = tc_sdp_message_new (s);
  for (guint i = 0; i < s->slots->len; i++)
    {
      const TcSdpSlot *slot = &g_array_index (s->slots, TcSdpSlot, i);

      if (i == s->audio_slot)
        tc_sdp_message_add_audio (s, msg, slot->proto, payloads, direction, s->policy.rtcp_mux, TRUE);
      else
        tc_sdp_message_add_rejected (msg, slot->media, slot->proto, slot->formats);
    }
  text = tc_sdp_message_finish (s, msg);
  gst_sdp_message_free (msg);

  g_clear_pointer (&s->offered, g_array_unref);
  s->offered = g_steal_pointer (&payloads);
  s->offer_pending = TRUE;
  s->offer_direction = direction;
  g_debug ("sdp %" G_GUINT64_FORMAT ": offer version %" G_GUINT64_FORMAT ", %s", s->id, s->version,
           tc_media_direction_to_string (direction));
  return text;
}

/* Reading a remote SDP into a result. */

/* Addresses, directions, ptime and FEC of @result from the remote @stream;
 * @ours is the direction of our side of the exchange (our offer's, or our
 * answer's). */
static void
fill_stream (const TcSdpSession *s, const TcSdpStream *stream, gboolean rtcp_mux, TcMediaDirection ours,
             TcMediaParams *result)
{
  TcMediaDirection remote = stream->direction;

  /* RFC 3264 §8.4: c=0.0.0.0 says "send me nothing", whatever the
   * direction attribute says: the remote holds us (or black-holes us,
   * RFC 4317 §5.2) until it gives an address. */
  if (!stream->address)
    remote &= ~TC_MEDIA_DIRECTION_RECVONLY;
  result->remote_direction = remote;
  result->direction = ours & tc_media_direction_reverse (remote);
  result->rtcp_mux = rtcp_mux;

  if (stream->address)
    {
      result->remote_rtp = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (stream->address, stream->port));
      if (rtcp_mux)
        result->remote_rtcp = g_object_ref (result->remote_rtp);
      else if (stream->rtcp_port)
        result->remote_rtcp = G_INET_SOCKET_ADDRESS (
          g_inet_socket_address_new (stream->rtcp_address ? stream->rtcp_address : stream->address, stream->rtcp_port));
      else if (stream->port < 65535)
        result->remote_rtcp = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (stream->address, stream->port + 1));
    }

  /* RFC 4566 §6: a=ptime is what the remote wants to receive, a=maxptime
   * the most it can take. */
  result->ptime = stream->ptime ? stream->ptime : s->policy.ptime;
  if (stream->maxptime && result->ptime > stream->maxptime)
    result->ptime = stream->maxptime;
  result->opus_fec = result->send.codec == TC_CODEC_OPUS && tc_sdp_fmtp_has (result->send.fmtp, "useinbandfec", "1");
}

static gboolean
remote_changed (const TcSdpSession *s, const TcSdpRemote *remote)
{
  return !s->remote_origin || strcmp (s->remote_origin, remote->origin) != 0 ||
         strcmp (s->remote_version, remote->version) != 0;
}

/* The caller's copy of the last result. */
static void
output_params (const TcSdpSession *s, TcMediaParams *params)
{
  if (!params)
    return;
  tc_media_params_clear (params);
  tc_media_params_copy (params, &s->params);
}

/* Stores @result (taken) as the last result, and the remote's o=. */
static void
commit_result (TcSdpSession *s, const TcSdpRemote *remote, TcMediaParams *result, TcMediaParams *params)
{
  g_free (s->remote_origin);
  s->remote_origin = g_strdup (remote->origin);
  g_free (s->remote_version);
  s->remote_version = g_strdup (remote->version);
  tc_media_params_clear (&s->params);
  s->params = *result;
  s->have_params = TRUE;
  s->warning = 0;
  output_params (s, params);
}

/* "PCMA, G729": the names of the codecs in @stream (telephone-event left
 * out, each name once). */
static char *
offered_names (const TcSdpStream *stream)
{
  GString *names = g_string_new (NULL);
  guint listed = 0;

  for (guint i = 0; i < stream->rtp_formats->len; i++)
    {
      const TcSdpFormat *f = &g_array_index (stream->rtp_formats, TcSdpFormat, i);
      gboolean seen = FALSE;

      if (f->codec && f->codec->id == TC_CODEC_TELEPHONE_EVENT)
        continue;
      for (guint j = 0; j < i && !seen; j++)
        seen = g_ascii_strcasecmp (g_array_index (stream->rtp_formats, TcSdpFormat, j).name, f->name) == 0;
      if (seen)
        continue;
      if (++listed > 12)
        {
          g_string_append (names, ", ...");
          break;
        }
      g_string_append_printf (names, "%s%s", names->len ? ", " : "", f->name);
    }
  if (names->len == 0)
    g_string_append (names, "none");
  return g_string_free (names, FALSE);
}

/* "opus, G722, PCMU": what the policy takes. */
static char *
accepted_names (const TcSdpSession *s)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < s->policy.codecs->len; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "",
                            tc_codec_get_info (g_array_index (s->policy.codecs, TcCodec, i))->sdp_name);
  return g_string_free (names, FALSE);
}

/* Our offered payload for the answer's format @f: by codec, or, for an
 * answer that left out the a=rtpmap of a dynamic type, by number. */
static const TcPayload *
offered_match (const TcSdpSession *s, const TcSdpFormat *f)
{
  for (guint i = 0; i < s->offered->len; i++)
    {
      const TcPayload *p = &g_array_index (s->offered, TcPayload, i);

      if (f->codec ? p->codec == f->codec->id : (!f->has_rtpmap && p->pt == f->pt))
        return p;
    }
  return NULL;
}

/* The audio line of the answer to our waiting offer, checked against the
 * offer (RFC 3264 §6: the same m= lines, in order). */
static const TcSdpStream *
answer_stream (TcSdpSession *s, const TcSdpRemote *remote, GError **error)
{
  const TcSdpStream *stream;
  const char *our_proto = g_array_index (s->slots, TcSdpSlot, s->audio_slot).proto;

  if (remote->streams->len != s->slots->len)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                   "the SDP answer has %u m= lines, our offer %u (RFC 3264 section 6)", remote->streams->len,
                   s->slots->len);
      return NULL;
    }
  stream = &g_array_index (remote->streams, TcSdpStream, s->audio_slot);
  if (g_ascii_strcasecmp (stream->media, "audio") != 0)
    {
      g_autofree char *media = tc_sdp_printable (stream->media, 32);

      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "m= line %u of the SDP answer is %s, our offer's audio",
                   s->audio_slot + 1, media);
      return NULL;
    }
  if (stream->port == 0)
    {
      s->warning = 304;
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC,
                           "the SDP answer rejected the audio stream (port 0)");
      return NULL;
    }
  if (!stream->rtp_avp || g_ascii_strcasecmp (stream->proto, our_proto) != 0)
    {
      g_autofree char *proto = tc_sdp_printable (stream->proto, 32);

      s->warning = 302;
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "the SDP answer has audio over %s, our offer %s", proto,
                   our_proto);
      return NULL;
    }
  if (stream->defect)
    {
      g_propagate_error (error, g_error_copy (stream->defect));
      return NULL;
    }
  return stream;
}

/* The codecs of the answer's @stream into @result: what we send (the
 * answer's first codec of our offer, under the answer's number, RFC 3264
 * §6.1), what we receive (our numbers), telephone-event both ways.
 * FALSE when no codec of ours is in it. */
static gboolean
answer_payloads (const TcSdpSession *s, const TcSdpStream *stream, TcMediaParams *result)
{
  gboolean have_dtmf = FALSE;

  for (guint i = 0; i < stream->rtp_formats->len; i++)
    {
      const TcSdpFormat *f = &g_array_index (stream->rtp_formats, TcSdpFormat, i);
      const TcPayload *ours = offered_match (s, f);
      TcPayload receive;

      if (!ours)
        continue;
      if (ours->codec == TC_CODEC_TELEPHONE_EVENT)
        {
          if (!have_dtmf)
            {
              result->send_dtmf_pt = f->pt;
              result->recv_dtmf_pt = ours->pt;
              have_dtmf = TRUE;
            }
          continue;
        }
      if (tc_media_params_find_receive (result, ours->pt))
        continue;
      if (result->receive->len == 0)
        {
          result->send.codec = ours->codec;
          result->send.pt = f->pt;
          result->send.clock_rate = ours->clock_rate;
          result->send.channels = f->has_rtpmap ? f->channels : ours->channels;
          result->send.fmtp = g_strdup (f->fmtp);
        }
      receive = *ours;
      receive.fmtp = g_strdup (ours->fmtp);
      g_array_append_val (result->receive, receive);
    }
  return result->receive->len > 0;
}

gboolean
tc_sdp_session_process_answer (TcSdpSession *s, const char *sdp, gsize len, TcMediaParams *params, GError **error)
{
  g_autoptr (TcSdpRemote) remote = NULL;
  const TcSdpStream *stream;
  TcMediaParams result;

  g_return_val_if_fail (s != NULL, FALSE);
  g_return_val_if_fail (sdp != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  s->warning = 399;
  remote = tc_sdp_remote_parse (sdp, len, error);
  if (!remote)
    return FALSE;
  if (!s->offer_pending)
    {
      if (s->have_params && !remote_changed (s, remote))
        {
          /* The answer again (RFC 3261 §13.2.1: a 2xx repeats the SDP of
           * a 183), or a retransmission: nothing changes. */
          s->params.changed = FALSE;
          s->warning = 0;
          output_params (s, params);
          return TRUE;
        }
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                           "an SDP answer came but no offer of ours waits for one");
      return FALSE;
    }
  stream = answer_stream (s, remote, error);
  if (!stream)
    return FALSE;

  tc_media_params_init (&result);
  if (!answer_payloads (s, stream, &result))
    {
      g_autofree char *answered = offered_names (stream);
      g_autofree char *offered = accepted_names (s);

      tc_media_params_clear (&result);
      s->warning = 305;
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "no common codec: the answer has %s; we offered %s",
                   answered, offered);
      return FALSE;
    }
  fill_stream (s, stream, stream->rtcp_mux && s->policy.rtcp_mux, s->offer_direction, &result);
  result.changed = remote_changed (s, remote);

  s->offer_pending = FALSE;
  g_clear_pointer (&s->offered, g_array_unref);
  g_debug ("sdp %" G_GUINT64_FORMAT ": answer: send %s pt %u, %s", s->id, tc_codec_get_info (result.send.codec)->nick,
           result.send.pt, tc_media_direction_to_string (result.direction));
  commit_result (s, remote, &result, params);
  return TRUE;
}

/* The formats of @stream we take, in the offer's order: the policy's
 * codecs and telephone-event, each codec once (the first number the
 * offer gives it). */
static GPtrArray *
accept_formats (const TcSdpSession *s, const TcSdpStream *stream, gboolean *has_audio)
{
  GPtrArray *accepted = g_ptr_array_new ();
  gboolean taken[TC_N_CODECS] = { FALSE };

  *has_audio = FALSE;
  for (guint i = 0; i < stream->rtp_formats->len; i++)
    {
      const TcSdpFormat *f = &g_array_index (stream->rtp_formats, TcSdpFormat, i);

      if (!f->codec || taken[f->codec->id] || !policy_has (&s->policy, f->codec->id))
        continue;
      taken[f->codec->id] = TRUE;
      *has_audio |= f->codec->id != TC_CODEC_TELEPHONE_EVENT;
      g_ptr_array_add (accepted, (gpointer) f);
    }
  return accepted;
}

/* The error for an offer without a usable audio line. */
static void
set_no_audio_error (TcSdpSession *s, const TcSdpStream *no_codec, const char *other_proto, gboolean any_audio,
                    GError **error)
{
  if (no_codec)
    {
      g_autofree char *offered = offered_names (no_codec);
      g_autofree char *accepted = accepted_names (s);

      s->warning = 305;
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "no common codec: offered %s; we accept %s", offered,
                   accepted);
    }
  else if (other_proto)
    {
      g_autofree char *proto = tc_sdp_printable (other_proto, 32);

      s->warning = 302;
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC,
                   "audio is offered over %s only; we accept RTP/AVP and RTP/AVPF (no SRTP yet)", proto);
    }
  else
    {
      s->warning = 304;
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC,
                           any_audio ? "the offer has no active audio stream (port 0)"
                                     : "the offer has no audio stream");
    }
}

/* After an answer: the session's m= lines are the offer's, and the
 * numbers the offer gave our codecs are agreed (RFC 3264 §8.3.2). */
static void
commit_answer (TcSdpSession *s, const TcSdpRemote *remote, guint audio, const GPtrArray *accepted)
{
  g_array_set_size (s->slots, 0);
  for (guint i = 0; i < remote->streams->len; i++)
    {
      const TcSdpStream *stream = &g_array_index (remote->streams, TcSdpStream, i);
      TcSdpSlot slot = { g_strdup (stream->media), g_strdup (stream->proto), g_strdup (stream->formats) };

      g_array_append_val (s->slots, slot);
    }
  s->audio_slot = audio;
  for (guint i = 0; i < accepted->len; i++)
    {
      const TcSdpFormat *f = accepted->pdata[i];

      s->pts[f->codec->id] = f->pt;
      s->agreed[f->codec->id] = TRUE;
    }
  s->offer_pending = FALSE;
  g_clear_pointer (&s->offered, g_array_unref);
}

/* The first audio line of @remote we can use (RFC 3264 §6), its index
 * and the formats we take from it; else NULL with the error for the 488. */
static const TcSdpStream *
choose_stream (TcSdpSession *s, const TcSdpRemote *remote, guint *index, GPtrArray **accepted, GError **error)
{
  const TcSdpStream *no_codec = NULL;
  const char *other_proto = NULL;
  gboolean any_audio = FALSE;

  for (guint i = 0; i < remote->streams->len; i++)
    {
      const TcSdpStream *stream = &g_array_index (remote->streams, TcSdpStream, i);
      gboolean has_audio;

      if (g_ascii_strcasecmp (stream->media, "audio") != 0)
        continue;
      any_audio = TRUE;
      if (stream->port == 0)
        continue;
      if (!stream->rtp_avp)
        {
          other_proto = other_proto ? other_proto : stream->proto;
          continue;
        }
      if (stream->defect)
        {
          /* Not skipped for a later line: the offerer means this one. */
          g_propagate_error (error, g_error_copy (stream->defect));
          return NULL;
        }
      *accepted = accept_formats (s, stream, &has_audio);
      if (has_audio)
        {
          *index = i;
          return stream;
        }
      g_clear_pointer (accepted, g_ptr_array_unref);
      no_codec = no_codec ? no_codec : stream;
    }
  set_no_audio_error (s, no_codec, other_proto, any_audio, error);
  return NULL;
}

/* The codecs of our answer (@payloads, our rtpmap and fmtp under the
 * offer's numbers) and of @result: we send and receive with the offer's
 * numbers, and send its first codec we take. */
static void
answer_result (const TcSdpSession *s, const GPtrArray *accepted, GArray *payloads, TcMediaParams *result)
{
  for (guint i = 0; i < accepted->len; i++)
    {
      const TcSdpFormat *f = accepted->pdata[i];
      TcPayload payload = tc_sdp_our_payload (s, f->codec->id, f->pt);

      g_array_append_val (payloads, payload);
      if (f->codec->id == TC_CODEC_TELEPHONE_EVENT)
        {
          result->send_dtmf_pt = result->recv_dtmf_pt = f->pt;
          continue;
        }
      if (result->receive->len == 0)
        {
          result->send.codec = f->codec->id;
          result->send.pt = f->pt;
          result->send.clock_rate = f->codec->clock_rate;
          result->send.channels = f->has_rtpmap ? f->channels : f->codec->channels;
          result->send.fmtp = g_strdup (f->fmtp);
        }
      payload.fmtp = g_strdup (payload.fmtp);
      g_array_append_val (result->receive, payload);
    }
}

char *
tc_sdp_session_create_answer (TcSdpSession *s, const char *offer, gsize len, TcMediaDirection local_direction,
                              TcMediaParams *params, GError **error)
{
  g_autoptr (TcSdpRemote) remote = NULL;
  g_autoptr (GPtrArray) accepted = NULL;
  g_autoptr (GArray) payloads = tc_sdp_payloads_new ();
  const TcSdpStream *chosen;
  guint audio = 0;
  TcMediaDirection answer_direction;
  gboolean rtcp_mux;
  TcMediaParams result;
  GstSDPMessage *msg;
  char *text;

  g_return_val_if_fail (s != NULL, NULL);
  g_return_val_if_fail (offer != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  s->warning = 399;
  remote = tc_sdp_remote_parse (offer, len, error);
  if (!remote)
    return NULL;
  if (remote->streams->len < s->slots->len)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                   "the SDP offer has %u m= lines, fewer than the %u of the session (RFC 3264 section 8)",
                   remote->streams->len, s->slots->len);
      return NULL;
    }
  chosen = choose_stream (s, remote, &audio, &accepted, error);
  if (!chosen)
    return NULL;

  tc_media_params_init (&result);
  answer_result (s, accepted, payloads, &result);
  /* RFC 3264 §6.1: the answer's direction is within the reverse of the
   * offer's; c=0.0.0.0 does not change it (RFC 4317 §5.2 answers such an
   * offer with plain sendrecv), only what we may send. */
  answer_direction = local_direction & tc_media_direction_reverse (chosen->direction);
  rtcp_mux = chosen->rtcp_mux && s->policy.rtcp_mux; /* RFC 5761 §5.1.1 */
  fill_stream (s, chosen, rtcp_mux, answer_direction, &result);
  result.changed = remote_changed (s, remote);

  msg = tc_sdp_message_new (s);
  for (guint i = 0; i < remote->streams->len; i++)
    {
      const TcSdpStream *stream = &g_array_index (remote->streams, TcSdpStream, i);

      if (i == audio)
        tc_sdp_message_add_audio (s, msg, stream->proto, payloads, answer_direction, rtcp_mux, !rtcp_mux);
      else
        tc_sdp_message_add_rejected (msg, stream->media, stream->proto, stream->formats);
    }
  text = tc_sdp_message_finish (s, msg);
  gst_sdp_message_free (msg);

  commit_answer (s, remote, audio, accepted);
  g_debug ("sdp %" G_GUINT64_FORMAT ": answer version %" G_GUINT64_FORMAT ": m= line %u, send %s pt %u, %s%s", s->id,
           s->version, audio + 1, tc_codec_get_info (result.send.codec)->nick, result.send.pt,
           tc_media_direction_to_string (answer_direction), result.changed ? "" : " (refresh)");
  commit_result (s, remote, &result, params);
  return text;
}
