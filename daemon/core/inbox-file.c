/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inbox-file.c — the inbox's message file format (inbox-file.h): a magic
 * line, an escaped "key: value" header, the body and the raw SIP message,
 * checked by lengths and a SHA-256 when read back.
 */
#include "core/inbox-file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core-error.h"

/* Characters left as they are in header values, besides [A-Za-z0-9-._~]. */
#define VALUE_PLAIN_CHARS " !\"#$&'()*+,/:;<=>?@[\\]^`{|}"

const char *const tc_inbox_key_names[N_KEYS] = {
  "id", "dedupe-key", "from", "to", "content-type", "received", "body-length", "raw-length", "sha256",
};

gboolean
tc_inbox_id_is_valid (const char *id)
{
  gsize i;

  for (i = 0; id[i] != '\0'; i++)
    if (i == TC_INBOX_ID_MAX_LEN || !(g_ascii_isdigit (id[i]) || (id[i] >= 'a' && id[i] <= 'f') || id[i] == '-'))
      return FALSE;
  return i > 0;
}

/* The µs time at the start of an id we made, or 0 for another form. */
gint64
tc_inbox_id_time (const char *id)
{
  char *end;
  guint64 t = g_ascii_strtoull (id, &end, 16);

  return end == id + 16 && *end == '-' && t <= G_MAXINT64 ? (gint64) t : 0;
}

void
tc_inbox_header_add (GString *header, const char *key, const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_uri_escape_string (value, VALUE_PLAIN_CHARS, FALSE);
  g_string_append_printf (header, "%s: %s\n", key, escaped);
}

char *
tc_inbox_sha256_hex (GBytes *body, GBytes *raw)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_checksum_update (checksum, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  return g_strdup (g_checksum_get_string (checksum));
}

/* Sets @error to "@format: <what errno @errsv says>". */
void
tc_inbox_set_error_errno (GError **error, int errsv, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "%s: %s", what, g_strerror (errsv));
}

/* Reading a message file. */

void
tc_inbox_parsed_clear (TcInboxParsed *parsed)
{
  guint i;

  for (i = 0; i < N_KEYS; i++)
    g_free (parsed->values[i]);
  g_clear_pointer (&parsed->body, g_bytes_unref);
  g_clear_pointer (&parsed->raw, g_bytes_unref);
}

static gboolean
parse_header_line (TcInboxParsed *parsed, char *line, GError **error)
{
  char *sep = strstr (line, ": ");
  guint i;

  if (sep == NULL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "a header line without \": \"");
      return FALSE;
    }
  *sep = '\0';
  for (i = 0; i < N_KEYS && !g_str_equal (line, tc_inbox_key_names[i]); i++)
    ;
  if (i == N_KEYS)
    return TRUE; /* a key of a later version */
  if (parsed->values[i] != NULL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "key %s appears twice", line);
      return FALSE;
    }
  parsed->values[i] = g_uri_unescape_string (sep + 2, NULL);
  if (parsed->values[i] == NULL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "bad escape in the value of %s", line);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_header_number (TcInboxParsed *parsed, Key key, guint64 max, guint64 *out, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (parsed->values[key], 10, 0, max, out, &local_error))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "bad %s: %s", tc_inbox_key_names[key],
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Parses the header lines of a message file (after the magic line). */
static gboolean
parse_header (TcInboxParsed *parsed, const char *header, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (header, "\n", -1);
  static const Key required[] = { KEY_ID, KEY_DEDUPE_KEY, KEY_RECEIVED, KEY_BODY_LENGTH, KEY_RAW_LENGTH, KEY_SHA256 };
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && !parse_header_line (parsed, lines[i], error))
      return FALSE;
  for (i = 0; i < G_N_ELEMENTS (required); i++)
    if (parsed->values[required[i]] == NULL)
      {
        g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the header has no %s",
                     tc_inbox_key_names[required[i]]);
        return FALSE;
      }
  if (!tc_inbox_id_is_valid (parsed->values[KEY_ID]))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "invalid id");
      return FALSE;
    }
  return parse_header_number (parsed, KEY_RECEIVED, G_MAXINT64, &parsed->received, error) &&
         parse_header_number (parsed, KEY_BODY_LENGTH, G_MAXSIZE, &parsed->body_length, error) &&
         parse_header_number (parsed, KEY_RAW_LENGTH, G_MAXSIZE, &parsed->raw_length, error);
}

/* Parses the whole contents of a message file into @parsed. */
static gboolean
parse_message_file (GBytes *contents, TcInboxParsed *parsed, GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (contents, &size);
  const gsize magic_size = strlen (TC_INBOX_FILE_MAGIC);
  const char *end;
  gsize header_size;
  gsize payload;
  g_autofree char *header = NULL;
  g_autofree char *digest = NULL;

  if (size < magic_size || memcmp (data, TC_INBOX_FILE_MAGIC, magic_size) != 0)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "not a tincan inbox message (format 1)");
      return FALSE;
    }
  end = memmem (data, size, "\n\n", 2);
  if (end == NULL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the header has no end (truncated?)");
      return FALSE;
    }
  header_size = (gsize) (end - data) + 2;
  header = g_strndup (data + magic_size, header_size - 1 - magic_size);
  if (strlen (header) != header_size - 1 - magic_size)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "a NUL byte in the header");
      return FALSE;
    }
  if (!parse_header (parsed, header, error))
    return FALSE;

  payload = size - header_size;
  if (parsed->body_length > payload || parsed->raw_length != payload - parsed->body_length)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED,
                   "%" G_GSIZE_FORMAT " bytes after the header, expected %" G_GUINT64_FORMAT
                   " (body) + %" G_GUINT64_FORMAT " (raw)",
                   payload, parsed->body_length, parsed->raw_length);
      return FALSE;
    }
  parsed->body = g_bytes_new_from_bytes (contents, header_size, parsed->body_length);
  parsed->raw = g_bytes_new_from_bytes (contents, header_size + parsed->body_length, parsed->raw_length);
  digest = tc_inbox_sha256_hex (parsed->body, parsed->raw);
  if (!g_str_equal (digest, parsed->values[KEY_SHA256]))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the sha256 of body and raw does not match");
      return FALSE;
    }
  return TRUE;
}

/* Reads @name (relative to @dir_fd, or a path with AT_FDCWD) whole. */
GBytes *
tc_inbox_read_file_at (int dir_fd, const char *name, GError **error)
{
  int fd;
  struct stat st;
  g_autofree char *buf = NULL;
  gsize done = 0;
  int errsv;

  fd = openat (dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0 || fstat (fd, &st) < 0)
    goto fail;
  if (!S_ISREG (st.st_mode) || st.st_size > TC_INBOX_FILE_MAX_SIZE)
    {
      close (fd);
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED,
                   S_ISREG (st.st_mode) ? "larger than any message file" : "not a regular file");
      return NULL;
    }
  buf = g_malloc ((gsize) st.st_size + 1);
  while (done < (gsize) st.st_size)
    {
      ssize_t n = read (fd, buf + done, (gsize) st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      if (n == 0)
        break; /* shrank meanwhile: the parse finds it short */
      done += (gsize) n;
    }
  close (fd);
  return g_bytes_new_take (g_steal_pointer (&buf), done);

fail:
  errsv = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "%s", g_strerror (errsv));
  return NULL;
}

/* Reads and checks the file @name (relative to @dir_fd) of message @id. */
gboolean
tc_inbox_read_message_file (int dir_fd, const char *name, const char *id, TcInboxParsed *parsed, GError **error)
{
  g_autoptr (GBytes) contents = tc_inbox_read_file_at (dir_fd, name, error);

  if (contents == NULL || !parse_message_file (contents, parsed, error))
    return FALSE;
  if (!g_str_equal (parsed->values[KEY_ID], id))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "it holds message %s", parsed->values[KEY_ID]);
      return FALSE;
    }
  return TRUE;
}

/* Takes @id, copies the rest: the body too, which may be a view into a
 * whole datagram or file. */
