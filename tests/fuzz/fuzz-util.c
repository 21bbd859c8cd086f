/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-util.c — contract checks and exercisers shared by the fuzz targets.
 */
#include "fuzz-util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sip/sip-error.h"

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_autofree char *line = g_log_writer_format_fields (level, fields, n_fields, FALSE);

      fprintf (stderr, "%s\nfuzz: a warning or critical was logged; aborting\n", line);
      fflush (stderr);
      abort ();
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
fuzz_init (void)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

void
fuzz_fail (const char *loc, const char *expr, const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "fuzz: %s: check failed: %s\nfuzz: ", loc, expr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  fflush (stderr);
  abort ();
}

/* For failure messages only: the text C-escaped (leaked, we abort next). */
static char *
esc (const char *s, gsize len)
{
  g_autofree char *copy = NULL;

  if (!s)
    return g_strdup ("(null)");
  copy = g_strndup (s, len);
  return g_strescape (copy, NULL);
}

static volatile guint8 fuzz_sink;

void
fuzz_touch (const void *p, gsize len)
{
  const guint8 *b = p;
  guint8 acc = 0;

  for (gsize i = 0; i < len; i++)
    acc ^= b[i];
  fuzz_sink ^= acc;
}

void
fuzz_touch_cstr (const char *s)
{
  if (s)
    fuzz_touch (s, strlen (s));
}

static gboolean
within (const char *p, gsize len, const char *start, gsize outer_len)
{
  guintptr a = (guintptr) p;
  guintptr s = (guintptr) start;

  return a >= s && len <= outer_len && a - s <= outer_len - len;
}

void
fuzz_touch_str (TcSipStr s, FuzzBuf buf, const char *what)
{
  fuzz_check (s.str != NULL || s.len == 0, "%s: NULL view with length %" G_GSIZE_FORMAT, what, s.len);
  if (!s.str)
    return;
  fuzz_touch (s.str, s.len);
  if (buf.start && s.len > 0)
    fuzz_check (within (s.str, s.len, buf.start, buf.len),
                "%s: view \"%s\" (%" G_GSIZE_FORMAT " bytes) is not inside the message buffer", what,
                esc (s.str, s.len), s.len);
}

void
fuzz_check_result (gboolean ok, const GError *error, const char *what)
{
  guint status;

  if (ok)
    {
      fuzz_check (error == NULL, "%s succeeded but set a GError: %s", what, error->message);
      return;
    }
  fuzz_check (error != NULL, "%s failed without setting a GError", what);
  fuzz_check (error->domain == TC_SIP_ERROR, "%s failed with an error outside TC_SIP_ERROR (%s): %s", what,
              g_quark_to_string (error->domain), error->message);
  status = tc_sip_error_get_status (error);
  fuzz_check (status >= 400 && status <= 599, "%s: error status %u is not a 4xx/5xx: %s", what, status, error->message);
  fuzz_check (error->message && error->message[0], "%s: empty error message", what);
  fuzz_check (g_utf8_validate (error->message, -1, NULL),
              "%s: error message is not UTF-8 (unusable as reason phrase): %s", what,
              esc (error->message, strlen (error->message)));
  for (const char *p = error->message; *p; p++)
    {
      guchar c = (guchar) *p;

      fuzz_check ((c >= 0x20 && c != 0x7f) || c == '\t',
                  "%s: error message contains control character 0x%02x (unusable as reason phrase): %s", what, c,
                  esc (error->message, strlen (error->message)));
    }
}

static gboolean
has_nul (TcSipStr s)
{
  return s.len > 0 && memchr (s.str, '\0', s.len) != NULL;
}

void
fuzz_exercise_params (const TcSipParams *params, FuzzBuf buf)
{
  TcSipParamsIter iter;
  TcSipStr name, value;
  guint n = 0;

  fuzz_touch_str (params->raw, buf, "params");
  if (!params->raw.str)
    return;
  tc_sip_params_iter_init (&iter, params);
  while (tc_sip_params_iter_next (&iter, &name, &value))
    {
      fuzz_check (++n <= params->raw.len + 1, "params iterator does not end on \"%s\"",
                  esc (params->raw.str, params->raw.len));
      fuzz_touch_str (name, buf, "param name");
      fuzz_touch_str (value, buf, "param value");
      if (value.len > 0 && value.str[0] == '"')
        {
          g_autofree char *unquoted = tc_sip_unquote (value);

          fuzz_touch_cstr (unquoted);
        }
      if (name.len > 0)
        fuzz_check (within (name.str, name.len, params->raw.str, params->raw.len),
                    "param name \"%s\" is outside \"%s\"", esc (name.str, name.len),
                    esc (params->raw.str, params->raw.len));
      if (value.len > 0)
        fuzz_check (within (value.str, value.len, params->raw.str, params->raw.len),
                    "param value \"%s\" is outside \"%s\"", esc (value.str, value.len),
                    esc (params->raw.str, params->raw.len));
      if (name.len > 0 && !has_nul (name))
        {
          g_autofree char *cname = g_strndup (name.str, name.len);
          TcSipStr found;

          fuzz_check (tc_sip_params_get (params, cname, &found),
                      "tc_sip_params_get() does not find \"%s\" that the iterator returned from \"%s\"", cname,
                      esc (params->raw.str, params->raw.len));
          fuzz_touch_str (found, buf, "param value (get)");
        }
    }
}

guint
fuzz_exercise_list (TcSipStr value)
{
  TcSipListIter iter;
  TcSipStr element;
  const char *prev_end = value.str;
  guint n = 0, count = 0;

  if (!value.str)
    return 0;
  tc_sip_list_iter_init (&iter, value);
  while (tc_sip_list_iter_next (&iter, &element))
    {
      fuzz_check (++n <= value.len + 1, "list iterator does not end on \"%s\"", esc (value.str, value.len));
      fuzz_touch_str (element, FUZZ_BUF_UNKNOWN, "list element");
      if (element.len == 0)
        continue;
      fuzz_check (within (element.str, element.len, value.str, value.len), "list element \"%s\" is outside \"%s\"",
                  esc (element.str, element.len), esc (value.str, value.len));
      fuzz_check ((guintptr) element.str >= (guintptr) prev_end, "list elements of \"%s\" overlap or go backwards",
                  esc (value.str, value.len));
      prev_end = element.str + element.len;
      count++;
    }
  return count;
}

static void
exercise_uri_text (TcSipStr text)
{
  g_autoptr (TcSipUri) uri = NULL;

  if (text.len == 0)
    return;
  uri = tc_sip_uri_parse (text.str, (gssize) text.len, NULL);
  if (uri)
    fuzz_exercise_uri (uri);
}

void
fuzz_exercise_via (const TcSipVia *via, FuzzBuf buf)
{
  fuzz_touch_str (via->protocol_name, buf, "Via protocol-name");
  fuzz_touch_str (via->protocol_version, buf, "Via protocol-version");
  fuzz_touch_str (via->transport, buf, "Via transport");
  fuzz_touch_str (via->host, buf, "Via host");
  fuzz_touch_str (via->branch, buf, "Via branch");
  fuzz_touch_str (via->received, buf, "Via received");
  fuzz_touch_str (via->maddr, buf, "Via maddr");
  fuzz_check (via->host.len > 0, "Via parsed without a host");
  fuzz_check (via->transport.len > 0, "Via parsed without a transport");
  fuzz_check (via->ttl >= -1, "Via ttl %d", via->ttl);
  fuzz_check (via->rport >= -1 && via->rport <= 65535, "Via rport %d", via->rport);
  fuzz_exercise_params (&via->params, buf);
}

void
fuzz_exercise_name_addr (const TcSipNameAddr *addr, FuzzBuf buf)
{
  fuzz_touch_str (addr->display_name, buf, "display-name");
  fuzz_touch_str (addr->uri, buf, "name-addr URI");
  fuzz_touch_str (addr->tag, buf, "tag");
  fuzz_check (addr->uri.len > 0, "name-addr parsed with an empty URI");
  if (addr->display_name.len > 0 && addr->display_name.str[0] == '"')
    {
      g_autofree char *unquoted = tc_sip_unquote (addr->display_name);

      fuzz_touch_cstr (unquoted);
    }
  fuzz_exercise_params (&addr->params, buf);
  exercise_uri_text (addr->uri);
}

void
fuzz_exercise_contact (const TcSipContact *contact, FuzzBuf buf)
{
  fuzz_check (contact->q >= -1 && contact->q <= 1000, "Contact q %d", contact->q);
  fuzz_check (contact->expires >= -1, "Contact expires %" G_GINT64_FORMAT, contact->expires);
  fuzz_check (contact->reg_id >= -1, "Contact reg-id %" G_GINT64_FORMAT, contact->reg_id);
  fuzz_touch_str (contact->instance, buf, "Contact +sip.instance");
  fuzz_touch_str (contact->pub_gruu, buf, "Contact pub-gruu");
  fuzz_touch_str (contact->temp_gruu, buf, "Contact temp-gruu");
  if (!contact->star)
    fuzz_exercise_name_addr (&contact->addr, buf);
}

void
fuzz_exercise_auth (const TcSipAuth *auth, FuzzBuf buf)
{
  static const char *const names[] = {
    "realm",  "nonce", "opaque", "algorithm", "qop",      "username", "uri",       "response",
    "cnonce", "nc",    "stale",  "domain",    "userhash", "charset",  "username*",
  };

  fuzz_touch_str (auth->scheme, buf, "auth scheme");
  fuzz_touch_str (auth->params, buf, "auth params");
  fuzz_check (auth->scheme.len > 0, "auth parsed without a scheme");
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      TcSipStr value;

      if (tc_sip_auth_get_param (auth, names[i], &value))
        {
          g_autofree char *unquoted = NULL;

          fuzz_touch_str (value, buf, "auth-param value");
          if (value.str)
            {
              unquoted = tc_sip_unquote (value);
              fuzz_touch_cstr (unquoted);
            }
        }
    }
}

void
fuzz_exercise_uri (const TcSipUri *uri)
{
  g_autoptr (TcSipUri) again = NULL;
  g_autoptr (TcSipUri) copy = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) appended = g_string_new ("prefix:");
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  g_autofree char *text_copy = NULL;
  TcSipUriScheme scheme = tc_sip_uri_get_scheme (uri);
  TcSipHostType host_type = tc_sip_uri_get_host_type (uri);
  const char *host = tc_sip_uri_get_host (uri);
  const char *user;
  gsize user_len = 0;
  guint n;
  gboolean ok;

  fuzz_check (scheme == TC_SIP_URI_SCHEME_SIP || scheme == TC_SIP_URI_SCHEME_SIPS || scheme == TC_SIP_URI_SCHEME_TEL,
              "bad scheme %d", (int) scheme);
  user = tc_sip_uri_get_user (uri, &user_len);
  if (user)
    fuzz_touch (user, user_len);
  else
    fuzz_check (user_len == 0, "no user but user length %" G_GSIZE_FORMAT, user_len);
  fuzz_touch_cstr (tc_sip_uri_get_password (uri));
  fuzz_touch_cstr (host);
  fuzz_check ((scheme == TC_SIP_URI_SCHEME_TEL) == (host_type == TC_SIP_HOST_NONE), "scheme %d with host type %d",
              (int) scheme, (int) host_type);
  fuzz_check ((host == NULL) == (host_type == TC_SIP_HOST_NONE), "host %s with host type %d", host ? host : "(null)",
              (int) host_type);
  if (host_type == TC_SIP_HOST_IPV6)
    fuzz_check (host[0] != '[', "IPv6 host returned with its brackets: %s", host);
  (void) tc_sip_uri_get_port (uri);

  n = tc_sip_uri_get_n_params (uri);
  for (guint i = 0; i < n; i++)
    {
      const char *name = NULL, *value = NULL, *found = NULL;

      tc_sip_uri_get_param_nth (uri, i, &name, &value);
      fuzz_check (name && name[0], "URI parameter %u has no name", i);
      fuzz_touch_cstr (name);
      fuzz_touch_cstr (value);
      fuzz_check (tc_sip_uri_has_param (uri, name), "has_param (\"%s\") is FALSE for a listed parameter", name);
      fuzz_check (tc_sip_uri_get_param (uri, name, &found), "get_param (\"%s\") is FALSE for a listed parameter", name);
      fuzz_touch_cstr (found);
    }
  fuzz_touch_cstr (tc_sip_uri_get_transport (uri));
  fuzz_touch_cstr (tc_sip_uri_get_user_param (uri));
  fuzz_touch_cstr (tc_sip_uri_get_method (uri));
  fuzz_touch_cstr (tc_sip_uri_get_maddr (uri));
  fuzz_check (tc_sip_uri_get_ttl (uri) >= -1, "ttl %d", tc_sip_uri_get_ttl (uri));
  (void) tc_sip_uri_get_lr (uri);

  n = tc_sip_uri_get_n_headers (uri);
  for (guint i = 0; i < n; i++)
    {
      const char *name = NULL, *value = NULL;

      tc_sip_uri_get_header_nth (uri, i, &name, &value);
      fuzz_touch_cstr (name);
      fuzz_touch_cstr (value);
    }

  fuzz_check (tc_sip_uri_equal (uri, uri), "a URI is not equal to itself");

  /* Printing round-trips (uri.h). */
  text = tc_sip_uri_to_string (uri);
  fuzz_check (text && text[0], "tc_sip_uri_to_string() returned nothing");
  tc_sip_uri_append_to (uri, appended);
  fuzz_check (strcmp (appended->str + strlen ("prefix:"), text) == 0,
              "append_to() and to_string() differ: \"%s\" vs \"%s\"", appended->str, text);

  again = tc_sip_uri_parse (text, -1, &error);
  fuzz_check_result (again != NULL, error, "parse (to_string (uri))");
  fuzz_check (again != NULL, "printed URI \"%s\" does not parse again: %s", esc (text, strlen (text)), error->message);
  fuzz_check (tc_sip_uri_equal (uri, again), "URI is not equal to the parse of its own text \"%s\"",
              esc (text, strlen (text)));
  fuzz_check (tc_sip_uri_equal (again, uri), "tc_sip_uri_equal() is not symmetric on \"%s\"",
              esc (text, strlen (text)));
  text_again = tc_sip_uri_to_string (again);
  fuzz_check (strcmp (text, text_again) == 0, "printing is not stable: \"%s\" then \"%s\"", esc (text, strlen (text)),
              esc (text_again, strlen (text_again)));

  ok = tc_sip_uri_validate (text, strlen (text), &error);
  fuzz_check_result (ok, error, "validate (to_string (uri))");
  fuzz_check (ok, "tc_sip_uri_validate() rejects printed URI \"%s\": %s", esc (text, strlen (text)), error->message);

  copy = tc_sip_uri_copy (uri);
  fuzz_check (copy && tc_sip_uri_equal (uri, copy), "a copy is not equal to its URI \"%s\"", esc (text, strlen (text)));
  text_copy = tc_sip_uri_to_string (copy);
  fuzz_check (strcmp (text, text_copy) == 0, "a copy prints differently: \"%s\" vs \"%s\"", esc (text, strlen (text)),
              esc (text_copy, strlen (text_copy)));
}
