/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inbox-file.h — the inbox's message file format (inbox-file.c): ids,
 * the escaped header, reading and checking a file.  Private to inbox.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_INBOX_FILE_MAGIC "tincan-inbox-message 1\n"
#define TC_INBOX_ID_MAX_LEN 64
/* A sanity bound on what is read into memory: no SIP message comes near. */
#define TC_INBOX_FILE_MAX_SIZE (256 * 1024 * 1024)

/* The header keys, in the order they are written. */
typedef enum {
  KEY_ID,
  KEY_DEDUPE_KEY,
  KEY_FROM,
  KEY_TO,
  KEY_CONTENT_TYPE,
  KEY_RECEIVED,
  KEY_BODY_LENGTH,
  KEY_RAW_LENGTH,
  KEY_SHA256,
  N_KEYS
} Key;

extern const char *const tc_inbox_key_names[N_KEYS];

typedef struct {
  char *values[N_KEYS]; /* unescaped; NULL when absent */
  guint64 received;
  guint64 body_length;
  guint64 raw_length;
  GBytes *body;
  GBytes *raw;
} TcInboxParsed;

gboolean tc_inbox_id_is_valid (const char *id);
/* The µs time at the start of an id we made, or 0 for another form. */
gint64 tc_inbox_id_time (const char *id);
/* "key: value\n", the value escaped; nothing when @value is NULL. */
void tc_inbox_header_add (GString *header, const char *key, const char *value);
char *tc_inbox_sha256_hex (GBytes *body, GBytes *raw);
/* Sets @error to "@format: <what errno @errsv says>". */
void tc_inbox_set_error_errno (GError **error, int errsv, const char *format, ...) G_GNUC_PRINTF (3, 4);
void tc_inbox_parsed_clear (TcInboxParsed *parsed);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TcInboxParsed, tc_inbox_parsed_clear)
GBytes *tc_inbox_read_file_at (int dir_fd, const char *name, GError **error);
/* Reads and checks the file @name (of message @id) in @dir_fd. */
gboolean tc_inbox_read_message_file (int dir_fd, const char *name, const char *id, TcInboxParsed *parsed,
                                     GError **error);

G_END_DECLS
