/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdp-parse.c — reading a remote SDP (RFC 4566) for the offer/answer of
 * sdp.c.  GstSDPMessage does the splitting into fields, but it accepts
 * anything (atoi() ports, any v=, lines of any shape), so the text is first
 * checked line by line here: v=0 first, one o= with six fields, every line
 * <type>=<value>, m= lines with a numeric port and, for RTP profiles,
 * payload types 0..127.  The audio lines the negotiation may use are then
 * read in full (c=, a=rtpmap, a=fmtp, direction, a=rtcp, a=rtcp-mux,
 * a=ptime); other lines only as far as answering them with port 0 needs.
 */
#include "media/sdp-private.h"

#include <gst/sdp/sdp.h>
#include <string.h>

#include "media/media-error.h"

/* RFC 3551 §6 static payload types, for naming what a peer offered in a
 * "no common codec" message. */
static const char *const static_names[] = {
  [0] = "PCMU", [3] = "GSM",   [4] = "G723",  [5] = "DVI4",  [6] = "DVI4",   [7] = "LPC",
  [8] = "PCMA", [9] = "G722",  [10] = "L16",  [11] = "L16",  [12] = "QCELP", [13] = "CN",
  [14] = "MPA", [15] = "G728", [16] = "DVI4", [17] = "DVI4", [18] = "G729",
};

char *
tc_sdp_printable (const char *s, gsize max)
{
  GString *out = g_string_new (NULL);
  gsize i;

  for (i = 0; s[i] != '\0' && i < max; i++)
    {
      guchar c = (guchar) s[i];

      g_string_append_c (out, (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? (char) c : '?');
    }
  if (s[i] != '\0')
    g_string_append (out, "...");
  return g_string_free (out, FALSE);
}

gboolean
tc_sdp_fmtp_has (const char *fmtp, const char *key, const char *value)
{
  g_auto (GStrv) params = NULL;

  if (!fmtp)
    return FALSE;
  params = g_strsplit (fmtp, ";", -1);
  for (guint i = 0; params[i]; i++)
    {
      char *eq = strchr (params[i], '=');

      if (!eq)
        continue;
      *eq = '\0';
      if (g_ascii_strcasecmp (g_strstrip (params[i]), key) == 0 && g_ascii_strcasecmp (g_strstrip (eq + 1), value) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Decimal digits only, at most 10 of them, value <= @max. */
static gboolean
parse_uint (const char *s, guint max, guint *out)
{
  guint64 value = 0;
  gsize i;

  for (i = 0; s[i] != '\0'; i++)
    {
      if (!g_ascii_isdigit (s[i]) || i >= 10)
        return FALSE;
      value = value * 10 + (guint) (s[i] - '0');
    }
  if (i == 0 || value > max)
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* The words of @s, split where GstSDPMessage splits them: at runs of
 * g_ascii_isspace() (which is not true of VT). */
static GStrv
split_words (const char *s)
{
  GPtrArray *words = g_ptr_array_new ();

  while (*s)
    {
      const char *start;

      while (*s && g_ascii_isspace (*s))
        s++;
      start = s;
      while (*s && !g_ascii_isspace (*s))
        s++;
      if (s > start)
        g_ptr_array_add (words, g_strndup (start, (gsize) (s - start)));
    }
  g_ptr_array_add (words, NULL);
  return (GStrv) g_ptr_array_free (words, FALSE);
}

/* The profiles whose formats are RTP payload types (RFC 3551, 3711, 4585,
 * 5124, and their UDP/TLS/ forms). */
static gboolean
proto_is_rtp (const char *proto)
{
  return strstr (proto, "RTP/AVP") || strstr (proto, "RTP/SAVP");
}

static gboolean
check_origin (const char *value, guint line, GError **error)
{
  g_auto (GStrv) words = split_words (value);
  guint digits;

  if (g_strv_length (words) != 6)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                   "invalid SDP: line %u: o= needs 6 fields (username sess-id sess-version nettype addrtype address)",
                   line);
      return FALSE;
    }
  digits = strspn (words[2], "0123456789");
  if (digits == 0 || words[2][digits] != '\0' || digits > 20)
    {
      g_autofree char *shown = tc_sdp_printable (words[2], 24);

      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: line %u: o= version '%s' is not a number",
                   line, shown);
      return FALSE;
    }
  return TRUE;
}

/* m=<media> <port>[/<count>] <proto> <fmt> ... (RFC 4566 §5.14) */
static gboolean
check_media (const char *value, guint line, GError **error)
{
  g_auto (GStrv) words = split_words (value);
  g_auto (GStrv) port = NULL;
  guint n = g_strv_length (words);
  guint number;

  if (n < 4)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                   "invalid SDP: line %u: m= needs <media> <port> <proto> <format>...", line);
      return FALSE;
    }
  port = g_strsplit (words[1], "/", 3);
  if (!parse_uint (port[0], 65535, &number) || (port[1] && (!parse_uint (port[1], 65535, &number) || port[2])))
    {
      g_autofree char *shown = tc_sdp_printable (words[1], 24);

      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: line %u: m= port '%s' is not 0..65535",
                   line, shown);
      return FALSE;
    }
  if (proto_is_rtp (words[2]))
    for (guint i = 3; i < n; i++)
      if (!parse_uint (words[i], 127, &number))
        {
          g_autofree char *shown = tc_sdp_printable (words[i], 24);

          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                       "invalid SDP: line %u: payload type '%s' is not 0..127", line, shown);
          return FALSE;
        }
  return TRUE;
}

/* The fields after v=: one o= before any m=, m= lines checked and
 * counted; the others are GstSDPMessage's business. */
static gboolean
check_field (char type, const char *value, guint line, gboolean *seen_o, guint *n_media, GError **error)
{
  switch (type)
    {
    case 'v':
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: line %u: a second v=", line);
      return FALSE;
    case 'o':
      if (*seen_o || *n_media > 0)
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: line %u: o= out of place", line);
          return FALSE;
        }
      *seen_o = TRUE;
      return check_origin (value, line, error);
    case 'm':
      if (++*n_media > TC_SDP_MAX_MEDIA)
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: more than %u m= lines",
                       TC_SDP_MAX_MEDIA);
          return FALSE;
        }
      return check_media (value, line, error);
    default:
      return TRUE;
    }
}

/* The line-by-line check of what GstSDPMessage does not check. */
static gboolean
check_lines (const char *text, gsize len, GError **error)
{
  gsize pos = 0;
  guint line = 0;
  guint n_media = 0;
  gboolean seen_v = FALSE;
  gboolean seen_o = FALSE;

  while (pos < len)
    {
      const char *start = text + pos;
      const char *nl = memchr (start, '\n', len - pos);
      gsize line_len = nl ? (gsize) (nl - start) : len - pos;
      g_autofree char *value = NULL;

      pos += line_len + (nl ? 1 : 0);
      line++;
      if (line_len > 0 && start[line_len - 1] == '\r')
        line_len--;
      if (line_len == 0)
        continue; /* a blank line, such as a CRLF after the last one: tolerated */
      if (memchr (start, '\r', line_len))
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: line %u holds a bare CR", line);
          return FALSE;
        }
      if (line_len < 2 || !g_ascii_islower (start[0]) || start[1] != '=')
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: line %u is not <type>=<value>", line);
          return FALSE;
        }
      value = g_strndup (start + 2, line_len - 2);
      if (!seen_v)
        {
          /* RFC 4566 §5: v= comes first, and the only version is 0. */
          if (start[0] != 'v' || strcmp (value, "0") != 0)
            {
              g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                                   "invalid SDP: it does not start with v=0");
              return FALSE;
            }
          seen_v = TRUE;
          continue;
        }
      if (!check_field (start[0], value, line, &seen_o, &n_media, error))
        return FALSE;
    }
  if (!seen_v)
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: it is empty");
      return FALSE;
    }
  if (!seen_o)
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: it has no o= line");
      return FALSE;
    }
  return TRUE;
}

static void
format_clear (TcSdpFormat *format)
{
  g_free (format->name);
  g_free (format->fmtp);
}

static void
stream_clear (TcSdpStream *stream)
{
  g_free (stream->media);
  g_free (stream->proto);
  g_free (stream->formats);
  g_clear_pointer (&stream->rtp_formats, g_array_unref);
  g_clear_object (&stream->address);
  g_clear_object (&stream->rtcp_address);
  g_clear_error (&stream->defect);
}

void
tc_sdp_remote_free (TcSdpRemote *remote)
{
  if (!remote)
    return;
  g_free (remote->origin);
  g_free (remote->version);
  g_clear_pointer (&remote->streams, g_array_unref);
  g_free (remote);
}

/* "IN" "IP4" "192.0.2.1" → the address; NULL with @error for another
 * network, a name or a mismatched family.  *@any is set for 0.0.0.0 and
 * :: (RFC 3264 §8.4), and NULL is returned without an error. */
static GInetAddress *
read_address (const char *nettype, const char *addrtype, const char *address, const char *what, gboolean *any,
              GError **error)
{
  g_autoptr (GInetAddress) inet = NULL;
  GSocketFamily family;
  g_autofree char *shown = tc_sdp_printable (address ? address : "", 64);

  *any = FALSE;
  if (!nettype || g_ascii_strcasecmp (nettype, "IN") != 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: %s: the network type is not IN", what);
      return NULL;
    }
  if (addrtype && g_ascii_strcasecmp (addrtype, "IP4") == 0)
    family = G_SOCKET_FAMILY_IPV4;
  else if (addrtype && g_ascii_strcasecmp (addrtype, "IP6") == 0)
    family = G_SOCKET_FAMILY_IPV6;
  else
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: %s: the address type is not IP4 or IP6",
                   what);
      return NULL;
    }
  inet = address ? g_inet_address_new_from_string (address) : NULL;
  if (!inet || g_inet_address_get_family (inet) != family)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                   "invalid SDP: %s: '%s' is not an %s address (media does not resolve names)", what, shown,
                   family == G_SOCKET_FAMILY_IPV4 ? "IPv4" : "IPv6");
      return NULL;
    }
  if (g_inet_address_get_is_any (inet))
    {
      *any = TRUE;
      return NULL;
    }
  if (g_inet_address_get_is_multicast (inet))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: %s: multicast address %s is not supported",
                   what, shown);
      return NULL;
    }
  return g_steal_pointer (&inet);
}

static int
direction_of (const GArray *attributes)
{
  static const struct {
    const char *name;
    TcMediaDirection direction;
  } names[] = {
    { "sendrecv", TC_MEDIA_DIRECTION_SENDRECV },
    { "sendonly", TC_MEDIA_DIRECTION_SENDONLY },
    { "recvonly", TC_MEDIA_DIRECTION_RECVONLY },
    { "inactive", TC_MEDIA_DIRECTION_INACTIVE },
  };

  for (guint i = 0; i < attributes->len; i++)
    {
      const GstSDPAttribute *attr = &g_array_index (attributes, GstSDPAttribute, i);

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        if (attr->key && g_ascii_strcasecmp (attr->key, names[j].name) == 0)
          return (int) names[j].direction;
    }
  return -1;
}

/* a=ptime / a=maxptime: "20" (some write "20.0"); 0 outside 10..120. */
static guint
read_ptime (const char *value)
{
  double ms = value ? g_ascii_strtod (value, NULL) : 0;

  return ms >= 10 && ms <= 120 ? (guint) ms : 0;
}

/* "<pt> <rest>": the pt and the rest, or FALSE. */
static gboolean
split_pt (const char *value, guint *pt, const char **rest)
{
  const char *space = value ? strchr (value, ' ') : NULL;
  g_autofree char *number = NULL;

  if (!space)
    return FALSE;
  number = g_strndup (value, (gsize) (space - value));
  if (!parse_uint (number, 127, pt))
    return FALSE;
  while (*space == ' ')
    space++;
  *rest = space;
  return TRUE;
}

/* a=rtpmap:<pt> <name>/<rate>[/<params>] (RFC 4566 §6); FALSE when
 * malformed (the attribute is then ignored). */
static gboolean
read_rtpmap (const char *encoding, char **name, guint *rate, guint *channels)
{
  g_auto (GStrv) parts = g_strsplit (encoding, "/", 4);
  guint n = g_strv_length (parts);

  if (n < 2 || n > 3 || parts[0][0] == '\0' || !parse_uint (g_strstrip (parts[1]), G_MAXINT, rate) || *rate == 0)
    return FALSE;
  *channels = 0;
  if (n == 3 && !parse_uint (g_strstrip (parts[2]), 255, channels))
    return FALSE;
  *name = g_strdup (g_strstrip (parts[0]));
  return TRUE;
}

/* The first a=rtpmap and the first a=fmtp of each payload type of @media,
 * found in one pass: the formats are read from these tables, so that the
 * work stays linear in the size of the SDP. */
typedef struct {
  const char *rtpmap[128];
  const char *fmtp[128];
} PtAttributes;

static void
index_attributes (const GstSDPMedia *media, PtAttributes *index)
{
  memset (index, 0, sizeof *index);
  for (guint i = 0; i < media->attributes->len; i++)
    {
      const GstSDPAttribute *attr = &g_array_index (media->attributes, GstSDPAttribute, i);
      const char *rest;
      guint pt;

      if (!attr->key || !split_pt (attr->value, &pt, &rest))
        continue;
      if (g_ascii_strcasecmp (attr->key, "rtpmap") == 0 && !index->rtpmap[pt])
        index->rtpmap[pt] = rest;
      else if (g_ascii_strcasecmp (attr->key, "fmtp") == 0 && !index->fmtp[pt])
        index->fmtp[pt] = rest;
    }
}

static void
read_format (const PtAttributes *index, guint pt, TcSdpFormat *format)
{
  g_autofree char *name = NULL;
  guint rate, channels;

  format->pt = pt;
  format->fmtp = g_strdup (index->fmtp[pt]);
  if (index->rtpmap[pt] && read_rtpmap (index->rtpmap[pt], &name, &rate, &channels))
    {
      format->has_rtpmap = TRUE;
      format->name = tc_sdp_printable (name, 32);
      format->clock_rate = rate;
      format->channels = channels;
      format->codec = tc_codec_lookup (name, rate);
      /* Our pipelines are mono: stereo G.711/G.722 is another format.
       * Opus always says /2 (RFC 7587 §7). */
      if (format->codec && format->codec->channels == 0 && channels > 1)
        format->codec = NULL;
      return;
    }
  /* RFC 3551 static types need no a=rtpmap. */
  format->codec = tc_codec_lookup_static (pt);
  format->clock_rate = format->codec ? format->codec->clock_rate : 0;
  if (pt < G_N_ELEMENTS (static_names) && static_names[pt])
    format->name = g_strdup (static_names[pt]);
  else
    format->name = g_strdup_printf ("pt %u", pt);
}

static gboolean
read_rtcp (const char *value, guint index, TcSdpStream *stream, GError **error)
{
  g_auto (GStrv) words = split_words (value ? value : "");
  guint n = g_strv_length (words);
  g_autofree char *what = g_strdup_printf ("a=rtcp of m= line %u", index + 1);

  if ((n != 1 && n != 4) || !parse_uint (words[0], 65535, &stream->rtcp_port) || stream->rtcp_port == 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                   "invalid SDP: %s: expected <port> [IN IP4|IP6 <address>] (RFC 3605)", what);
      return FALSE;
    }
  if (n == 4)
    {
      g_autoptr (GError) local_error = NULL;
      gboolean any;

      stream->rtcp_address = read_address (words[1], words[2], words[3], what, &any, &local_error);
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

/* The full reading of an audio line the negotiation may use. */
static gboolean
read_audio (const GstSDPMessage *msg, const GstSDPMedia *media, guint index, TcSdpStream *stream, GError **error)
{
  const GstSDPConnection *conn = NULL;
  g_autofree char *what = g_strdup_printf ("c= of m= line %u", index + 1);
  g_autoptr (GError) local_error = NULL;
  gboolean any;
  int direction;
  PtAttributes by_pt;
  gboolean seen[128] = { FALSE };

  if (media->connections->len > 0)
    conn = &g_array_index (media->connections, GstSDPConnection, 0);
  else if (msg->connection.address)
    conn = &msg->connection;
  if (!conn)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP,
                   "invalid SDP: m= line %u (audio) has no c= line, nor has the session", index + 1);
      return FALSE;
    }
  stream->address = read_address (conn->nettype, conn->addrtype, conn->address, what, &any, &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* RFC 3264 §5.1: a direction attribute at media level wins over one at
   * session level; sendrecv when there is none. */
  direction = direction_of (media->attributes);
  if (direction < 0)
    direction = direction_of (msg->attributes);
  stream->direction = direction < 0 ? TC_MEDIA_DIRECTION_SENDRECV : (TcMediaDirection) direction;

  for (guint i = 0; i < media->attributes->len; i++)
    {
      const GstSDPAttribute *attr = &g_array_index (media->attributes, GstSDPAttribute, i);

      if (!attr->key)
        continue;
      if (g_ascii_strcasecmp (attr->key, "rtcp") == 0 && stream->rtcp_port == 0)
        {
          if (!read_rtcp (attr->value, index, stream, error))
            return FALSE;
        }
      else if (g_ascii_strcasecmp (attr->key, "rtcp-mux") == 0)
        stream->rtcp_mux = TRUE;
      else if (g_ascii_strcasecmp (attr->key, "ptime") == 0 && stream->ptime == 0)
        stream->ptime = read_ptime (attr->value);
      else if (g_ascii_strcasecmp (attr->key, "maxptime") == 0 && stream->maxptime == 0)
        stream->maxptime = read_ptime (attr->value);
    }

  index_attributes (media, &by_pt);
  stream->rtp_formats = g_array_new (FALSE, TRUE, sizeof (TcSdpFormat));
  g_array_set_clear_func (stream->rtp_formats, (GDestroyNotify) format_clear);
  for (guint i = 0; i < media->fmts->len; i++)
    {
      TcSdpFormat format = { 0 };
      guint pt;

      /* check_media() made sure these are 0..127; a repeated type counts
       * once. */
      if (!parse_uint (g_array_index (media->fmts, char *, i), 127, &pt) || seen[pt])
        continue;
      seen[pt] = TRUE;
      read_format (&by_pt, pt, &format);
      g_array_append_val (stream->rtp_formats, format);
    }
  return TRUE;
}

TcSdpRemote *
tc_sdp_remote_parse (const char *text, gsize len, GError **error)
{
  g_autoptr (TcSdpRemote) remote = NULL;
  GstSDPMessage *msg = NULL;

  if (len == 0)
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: it is empty");
      return NULL;
    }
  if (len > TC_SDP_MAX_SIZE)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: %" G_GSIZE_FORMAT " bytes, more than %u",
                   len, TC_SDP_MAX_SIZE);
      return NULL;
    }
  if (memchr (text, '\0', len))
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "invalid SDP: it holds a NUL byte");
      return NULL;
    }
  if (!check_lines (text, len, error))
    return NULL;

  gst_sdp_message_new (&msg);
  gst_sdp_message_parse_buffer ((const guint8 *) text, (guint) len, msg);

  remote = g_new0 (TcSdpRemote, 1);
  remote->origin = g_strdup_printf ("%s %s %s %s %s", msg->origin.username, msg->origin.sess_id, msg->origin.nettype,
                                    msg->origin.addrtype, msg->origin.addr);
  remote->version = g_strdup (msg->origin.sess_version);
  remote->streams = g_array_new (FALSE, TRUE, sizeof (TcSdpStream));
  g_array_set_clear_func (remote->streams, (GDestroyNotify) stream_clear);

  for (guint i = 0; i < msg->medias->len; i++)
    {
      const GstSDPMedia *media = &g_array_index (msg->medias, GstSDPMedia, i);
      TcSdpStream *stream;
      GString *formats = g_string_new (NULL);

      g_array_set_size (remote->streams, i + 1);
      stream = &g_array_index (remote->streams, TcSdpStream, i);
      stream->media = g_strdup (media->media);
      stream->port = media->port;
      stream->proto = g_strdup (media->proto);
      /* GstSDPMessage adds an empty format for trailing white space. */
      for (guint j = 0; j < media->fmts->len; j++)
        if (*g_array_index (media->fmts, char *, j))
          g_string_append_printf (formats, "%s%s", formats->len ? " " : "", g_array_index (media->fmts, char *, j));
      stream->formats = g_string_free (formats, FALSE);
      stream->rtp_avp =
        g_ascii_strcasecmp (media->proto, "RTP/AVP") == 0 || g_ascii_strcasecmp (media->proto, "RTP/AVPF") == 0;
      if (g_ascii_strcasecmp (media->media, "audio") == 0 && media->port != 0 && stream->rtp_avp)
        read_audio (msg, media, i, stream, &stream->defect);
    }
  gst_sdp_message_free (msg);
  return g_steal_pointer (&remote);
}
