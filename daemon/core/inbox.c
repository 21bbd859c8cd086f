/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inbox.c — TcInbox: the durable, bounded queue of incoming page-mode
 * messages of one endpoint (inbox.h).
 *
 * One file per message, "<id>.msg", in the inbox directory (0700; files
 * 0600).  A message is written to ".<id>.tmp", fsync'ed, renamed to its name
 * and the directory fsync'ed before tc_inbox_store() says STORED.  A file is
 * a header of "key: value" lines, then an empty line, then the body and the
 * raw request back to back:
 *
 *   tincan-inbox-message 1
 *   id: 00060d2b5a3c41f0-9a1b2c3d
 *   dedupe-key: a84b4c76e66710@pc33.atlanta.com 1 1928301774
 *   from: "Alice %C3%85" <sip:alice@atlanta.com>;tag=1928301774
 *   to: <sip:bob@biloxi.com>
 *   content-type: text/plain
 *   received: 1700000000000000
 *   body-length: 5
 *   raw-length: 342
 *   sha256: <hex digest of the body and raw bytes>
 *   <empty line>
 *   <body><raw>
 *
 * Values are percent-encoded (all but printable ASCII, and '%'): the header
 * is ASCII and line-oriented; unknown keys are ignored (a later version may
 * add some).  A file whose header does not parse, whose size is not exactly
 * header + body-length + raw-length or whose digest does not match is
 * logged and renamed to "<name>.bad", never deleted.  A left-over ".tmp" is
 * a write that never completed (no 200 OK went out): it is removed.
 *
 * Ids: "<µs since the epoch, 16 hex digits>-<8 random hex digits>", the time
 * part strictly increasing in one inbox (past a clock that went back, past
 * the ids loaded when the inbox is opened): they sort in arrival order and
 * are unique.
 * Dedupe: the keys held (loaded back from the files) and the last 1024
 * acknowledged ones (in memory only: a restart forgets those).
 *
 * Memory: per message the inbox keeps its strings and body, not the raw
 * request: tc_inbox_message_get_raw() reads it from the file on first use
 * and caches it until the last reference other than the inbox's own goes,
 * so the details of thousands of messages do not keep all their raw bytes.
 */
#include "core/inbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core-error.h"
#include "core/inbox-file.h"
#include "sip/debug.h"
#include "sip/random.h"

#define MSG_SUFFIX ".msg"
#define TMP_SUFFIX ".tmp"
#define BAD_SUFFIX ".bad"
#define RECENT_KEYS_MAX 1024

struct _TcInboxMessage {
  gint ref_count;
  gboolean held; /* the inbox holds one of the references */
  char *id;
  char *dedupe_key;
  char *from; /* nullable, as the three that follow */
  char *to;
  char *content_type;
  gint64 received;
  GBytes *body;
  gsize raw_length;
  GRefString *dir; /* where the file is: the raw bytes are read lazily */
  GBytes *raw;     /* the cache of those, see tc_inbox_message_unref() */
};

G_DEFINE_BOXED_TYPE (TcInboxMessage, tc_inbox_message, tc_inbox_message_ref, tc_inbox_message_unref)

struct _TcInbox {
  GObject parent_instance;

  GRefString *dir;
  int dir_fd; /* -1 until opened (ensure_open) and once destroyed */
  gboolean destroyed;
  guint max_messages;
  guint64 max_bytes;
  guint64 n_bytes;  /* sum of the body sizes held */
  gint64 last_time; /* time part of the newest id */

  /* The tables are made when the inbox is opened: thousands of endpoints
   * whose inbox is never used pay for none. */
  GQueue messages;    /* TcInboxMessage (one reference each), in id order */
  GHashTable *by_id;  /* id (borrowed) -> GList link in messages */
  GHashTable *by_key; /* dedupe key (borrowed) -> TcInboxMessage */
  GQueue recent_keys; /* acknowledged dedupe keys (owned), oldest first */
  GHashTable *recent; /* set of the keys in recent_keys (borrowed) */
};

G_DEFINE_FINAL_TYPE (TcInbox, tc_inbox, G_TYPE_OBJECT)

/* Messages. */

static void
message_free (TcInboxMessage *message)
{
  g_free (message->id);
  g_free (message->dedupe_key);
  g_free (message->from);
  g_free (message->to);
  g_free (message->content_type);
  g_bytes_unref (message->body);
  g_clear_pointer (&message->raw, g_bytes_unref);
  g_ref_string_release (message->dir);
  g_free (message);
}

TcInboxMessage *
tc_inbox_message_ref (TcInboxMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);
  g_atomic_int_inc (&message->ref_count);
  return message;
}

void
tc_inbox_message_unref (TcInboxMessage *message)
{
  gint old;

  g_return_if_fail (message != NULL);
  old = g_atomic_int_add (&message->ref_count, -1);
  if (old == 1)
    message_free (message);
  else if (old == 2 && message->held)
    /* Only the inbox holds it now, and the inbox never reads the raw
     * bytes: nobody can be using the cache. */
    g_clear_pointer (&message->raw, g_bytes_unref);
}

const char *
tc_inbox_message_get_id (const TcInboxMessage *message)
{
  return message->id;
}

const char *
tc_inbox_message_get_from (const TcInboxMessage *message)
{
  return message->from;
}

const char *
tc_inbox_message_get_to (const TcInboxMessage *message)
{
  return message->to;
}

const char *
tc_inbox_message_get_content_type (const TcInboxMessage *message)
{
  return message->content_type;
}

GBytes *
tc_inbox_message_get_body (const TcInboxMessage *message)
{
  return message->body;
}

gint64
tc_inbox_message_get_received (const TcInboxMessage *message)
{
  return message->received;
}

/* Ids and header values. */

static TcInboxMessage *
message_new (GRefString *dir, char *id, const char *dedupe_key, const char *from, const char *to,
             const char *content_type, gint64 received, GBytes *body, gsize raw_length)
{
  TcInboxMessage *message = g_new0 (TcInboxMessage, 1);
  gsize size;
  gconstpointer data = g_bytes_get_data (body, &size);

  message->ref_count = 1;
  message->id = id;
  message->dedupe_key = g_strdup (dedupe_key);
  message->from = g_strdup (from);
  message->to = g_strdup (to);
  message->content_type = g_strdup (content_type);
  message->received = received;
  message->body = g_bytes_new (data, size);
  message->raw_length = raw_length;
  message->dir = g_ref_string_acquire (dir);
  return message;
}

GBytes *
tc_inbox_message_get_raw (const TcInboxMessage *message)
{
  /* The cache is not part of the value: filling it does not change it. */
  TcInboxMessage *self = (TcInboxMessage *) message;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_auto (TcInboxParsed) parsed = { 0 };

  g_return_val_if_fail (message != NULL, NULL);

  if (self->raw != NULL)
    return self->raw;
  if (self->raw_length == 0)
    {
      self->raw = g_bytes_new (NULL, 0);
      return self->raw;
    }

  path = g_strconcat (self->dir, G_DIR_SEPARATOR_S, self->id, MSG_SUFFIX, NULL);
  if (!tc_inbox_read_message_file (AT_FDCWD, path, self->id, &parsed, &error))
    {
      /* Acknowledged meanwhile, or damaged since it was loaded. */
      tc_debug ("inbox %s: cannot read the raw bytes of message %s: %s", self->dir, self->id, error->message);
      return NULL;
    }
  self->raw = g_steal_pointer (&parsed.raw);
  return self->raw;
}

/* The inbox. */

static gint
compare_messages (gconstpointer a, gconstpointer b)
{
  const TcInboxMessage *const *ma = a;
  const TcInboxMessage *const *mb = b;

  return strcmp ((*ma)->id, (*mb)->id);
}

static void
release_message (gpointer data)
{
  TcInboxMessage *message = data;

  message->held = FALSE;
  tc_inbox_message_unref (message);
}

static void
clear_messages (TcInbox *self)
{
  if (self->by_id)
    g_hash_table_remove_all (self->by_id);
  if (self->by_key)
    g_hash_table_remove_all (self->by_key);
  g_queue_clear_full (&self->messages, release_message);
  self->n_bytes = 0;
}

static void
tc_inbox_finalize (GObject *object)
{
  TcInbox *self = TC_INBOX (object);

  clear_messages (self);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->recent, g_hash_table_unref);
  g_queue_clear_full (&self->recent_keys, g_free);
  if (self->dir_fd >= 0)
    close (self->dir_fd);
  g_clear_pointer (&self->dir, g_ref_string_release);

  G_OBJECT_CLASS (tc_inbox_parent_class)->finalize (object);
}

static void
tc_inbox_class_init (TcInboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tc_inbox_finalize;
}

static void
tc_inbox_init (TcInbox *self)
{
  self->dir_fd = -1;
  g_queue_init (&self->messages);
  g_queue_init (&self->recent_keys);
}

static gboolean
sync_dir (TcInbox *self, GError **error)
{
  if (fsync (self->dir_fd) < 0)
    {
      tc_inbox_set_error_errno (error, errno, "Cannot sync the inbox directory %s", self->dir);
      return FALSE;
    }
  return TRUE;
}

static void
add_message (TcInbox *self, TcInboxMessage *message)
{
  message->held = TRUE;
  g_queue_push_tail (&self->messages, message);
  g_hash_table_insert (self->by_id, message->id, self->messages.tail);
  if (!g_hash_table_contains (self->by_key, message->dedupe_key))
    g_hash_table_insert (self->by_key, message->dedupe_key, message);
  self->n_bytes += g_bytes_get_size (message->body);
}

/* Loads @name, or moves it aside; TRUE if the directory changed. */
static gboolean
load_file (TcInbox *self, const char *name, GPtrArray *loaded)
{
  g_autoptr (GError) error = NULL;
  g_auto (TcInboxParsed) parsed = { 0 };
  g_autofree char *file_id = g_strndup (name, strlen (name) - strlen (MSG_SUFFIX));
  g_autofree char *bad = NULL;

  if (!tc_inbox_id_is_valid (file_id))
    g_set_error (&error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the name is not a message id");
  else if (tc_inbox_read_message_file (self->dir_fd, name, file_id, &parsed, &error))
    {
      char **v = parsed.values;

      g_ptr_array_add (loaded, message_new (self->dir, g_steal_pointer (&v[KEY_ID]), v[KEY_DEDUPE_KEY], v[KEY_FROM],
                                            v[KEY_TO], v[KEY_CONTENT_TYPE], (gint64) parsed.received, parsed.body,
                                            (gsize) parsed.raw_length));
      return FALSE;
    }

  bad = g_strconcat (name, BAD_SUFFIX, NULL);
  if (renameat (self->dir_fd, name, self->dir_fd, bad) < 0)
    {
      int saved_errno = errno;

      g_message ("inbox %s: message file %s is unreadable (%s) and could not be moved aside to %s (%s); skipped",
                 self->dir, name, error->message, bad, g_strerror (saved_errno));
      return FALSE;
    }
  g_message ("inbox %s: message file %s is unreadable (%s); moved aside to %s", self->dir, name, error->message, bad);
  return TRUE;
}

static gboolean
load (TcInbox *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) loaded = g_ptr_array_new ();
  const char *name;
  gboolean changed = FALSE;
  guint i;

  dir = g_dir_open (self->dir, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "Cannot read the inbox directory: %s",
                   local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (name[0] == '.' && g_str_has_suffix (name, TMP_SUFFIX))
        {
          if (unlinkat (self->dir_fd, name, 0) == 0)
            {
              g_message ("inbox %s: removed %s, a write that never completed", self->dir, name);
              changed = TRUE;
            }
        }
      else if (name[0] != '.' && g_str_has_suffix (name, MSG_SUFFIX))
        changed |= load_file (self, name, loaded);
    }

  g_ptr_array_sort (loaded, compare_messages);
  for (i = 0; i < loaded->len; i++)
    {
      TcInboxMessage *message = g_ptr_array_index (loaded, i);

      if (g_hash_table_contains (self->by_key, message->dedupe_key))
        tc_debug ("inbox %s: messages with the same dedupe key: %s", self->dir, message->id);
      add_message (self, message);
      self->last_time = MAX (self->last_time, tc_inbox_id_time (message->id));
    }
  if (loaded->len > 0)
    tc_debug ("inbox %s: loaded %u messages (%" G_GUINT64_FORMAT " bytes)", self->dir, loaded->len, self->n_bytes);

  if (changed && !sync_dir (self, error))
    return FALSE;
  return TRUE;
}

/* Creates (0700) and opens the directory and loads what an earlier run
 * left, once: at the first use of an inbox made by tc_inbox_new_lazy().
 * On failure the inbox stays closed and the next use tries again. */
static gboolean
ensure_open (TcInbox *self, GError **error)
{
  if (self->dir_fd >= 0)
    return TRUE;
  if (self->destroyed)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "The inbox %s was destroyed", self->dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (self->dir, 0700) < 0)
    {
      tc_inbox_set_error_errno (error, errno, "Cannot create the inbox directory %s", self->dir);
      return FALSE;
    }
  self->dir_fd = open (self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (self->dir_fd < 0)
    {
      tc_inbox_set_error_errno (error, errno, "Cannot open the inbox directory %s", self->dir);
      return FALSE;
    }
  if (!self->by_id)
    {
      self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
      self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
      self->recent = g_hash_table_new (g_str_hash, g_str_equal);
    }
  if (!load (self, error))
    {
      clear_messages (self);
      close (self->dir_fd);
      self->dir_fd = -1;
      return FALSE;
    }
  return TRUE;
}

TcInbox *
tc_inbox_new_lazy (const char *dir, guint max_messages, guint64 max_bytes)
{
  TcInbox *self;

  g_return_val_if_fail (dir != NULL && dir[0] != '\0', NULL);

  self = g_object_new (TC_TYPE_INBOX, NULL);
  self->dir = g_ref_string_new (dir);
  self->max_messages = max_messages;
  self->max_bytes = max_bytes;
  return self;
}

TcInbox *
tc_inbox_new (const char *dir, guint max_messages, guint64 max_bytes, GError **error)
{
  g_autoptr (TcInbox) self = NULL;

  g_return_val_if_fail (dir != NULL && dir[0] != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = tc_inbox_new_lazy (dir, max_messages, max_bytes);
  if (!ensure_open (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static char *
new_id (TcInbox *self)
{
  guint32 random;

  self->last_time = MAX (g_get_real_time (), self->last_time + 1);
  tc_sip_random_bytes (&random, sizeof random);
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x-%08" G_GINT32_MODIFIER "x", self->last_time, random);
}

static gboolean
write_all (int fd, const void *data, gsize size)
{
  const char *p = data;

  while (size > 0)
    {
      ssize_t n = write (fd, p, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          errno = n < 0 ? errno : EIO;
          return FALSE;
        }
      p += n;
      size -= (gsize) n;
    }
  return TRUE;
}

/* Writes the file of @message durably (see the top of this file). */
static gboolean
write_message (TcInbox *self, TcInboxMessage *message, GBytes *raw, GError **error)
{
  g_autoptr (GString) header = g_string_new (TC_INBOX_FILE_MAGIC);
  g_autofree char *digest = tc_inbox_sha256_hex (message->body, raw);
  g_autofree char *tmp = g_strconcat (".", message->id, TMP_SUFFIX, NULL);
  g_autofree char *name = g_strconcat (message->id, MSG_SUFFIX, NULL);
  g_autofree char *received = NULL;
  g_autofree char *body_length = NULL;
  g_autofree char *raw_length = NULL;
  const char *values[N_KEYS];
  gconstpointer body_data, raw_data;
  gsize body_size, raw_size;
  int errsv = 0;
  guint i;
  int fd;

  values[KEY_ID] = message->id;
  values[KEY_DEDUPE_KEY] = message->dedupe_key;
  values[KEY_FROM] = message->from;
  values[KEY_TO] = message->to;
  values[KEY_CONTENT_TYPE] = message->content_type;
  values[KEY_RECEIVED] = received = g_strdup_printf ("%" G_GINT64_FORMAT, message->received);
  values[KEY_BODY_LENGTH] = body_length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (message->body));
  values[KEY_RAW_LENGTH] = raw_length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (raw));
  values[KEY_SHA256] = digest;
  for (i = 0; i < N_KEYS; i++)
    tc_inbox_header_add (header, tc_inbox_key_names[i], values[i]);
  g_string_append_c (header, '\n');

  fd = openat (self->dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0)
    {
      tc_inbox_set_error_errno (error, errno, "Cannot store a message in the inbox %s: creating %s", self->dir, tmp);
      return FALSE;
    }
  body_data = g_bytes_get_data (message->body, &body_size);
  raw_data = g_bytes_get_data (raw, &raw_size);
  if (fchmod (fd, 0600) < 0 || !write_all (fd, header->str, header->len) || !write_all (fd, body_data, body_size) ||
      !write_all (fd, raw_data, raw_size) || fsync (fd) < 0)
    {
      errsv = errno;
      close (fd);
      fd = -1;
    }
  if (fd >= 0 && close (fd) < 0)
    errsv = errno;
  else if (fd >= 0 && renameat (self->dir_fd, tmp, self->dir_fd, name) < 0)
    errsv = errno;
  if (errsv != 0)
    {
      unlinkat (self->dir_fd, tmp, 0);
      tc_inbox_set_error_errno (error, errsv, "Cannot store a message in the inbox %s: writing %s", self->dir, tmp);
      return FALSE;
    }
  if (fsync (self->dir_fd) < 0)
    {
      /* Not known to be on disk: take it back, the peer will retransmit. */
      errsv = errno;
      unlinkat (self->dir_fd, name, 0);
      tc_inbox_set_error_errno (error, errsv, "Cannot sync the inbox directory %s", self->dir);
      return FALSE;
    }
  return TRUE;
}

TcInboxResult
tc_inbox_store (TcInbox *self, const char *dedupe_key, const char *from, const char *to, const char *content_type,
                GBytes *body, GBytes *raw, TcInboxMessage **out_message, GError **error)
{
  g_autoptr (TcInboxMessage) message = NULL;
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  TcInboxMessage *stored;
  gsize size;

  g_return_val_if_fail (TC_IS_INBOX (self), TC_INBOX_FULL);
  g_return_val_if_fail (dedupe_key != NULL, TC_INBOX_FULL);
  g_return_val_if_fail (error == NULL || *error == NULL, TC_INBOX_FULL);

  if (out_message != NULL)
    *out_message = NULL;
  if (body == NULL)
    body = empty;
  if (raw == NULL)
    raw = empty;

  if (!ensure_open (self, error))
    return TC_INBOX_FULL;

  stored = g_hash_table_lookup (self->by_key, dedupe_key);
  if (stored != NULL || g_hash_table_contains (self->recent, dedupe_key))
    {
      tc_debug ("inbox %s: duplicate of %s", self->dir, stored ? stored->id : "an acknowledged message");
      if (out_message != NULL && stored != NULL)
        *out_message = tc_inbox_message_ref (stored);
      return TC_INBOX_DUPLICATE;
    }

  size = g_bytes_get_size (body);
  if (self->messages.length >= self->max_messages || self->n_bytes > self->max_bytes ||
      size > self->max_bytes - self->n_bytes)
    {
      tc_debug ("inbox %s: full (%u of %u messages, %" G_GUINT64_FORMAT " + %" G_GSIZE_FORMAT " of %" G_GUINT64_FORMAT
                " bytes)",
                self->dir, self->messages.length, self->max_messages, self->n_bytes, size, self->max_bytes);
      return TC_INBOX_FULL;
    }

  message = message_new (self->dir, new_id (self), dedupe_key, from, to, content_type, g_get_real_time (), body,
                         g_bytes_get_size (raw));

  if (!write_message (self, message, raw, error))
    return TC_INBOX_FULL;

  add_message (self, tc_inbox_message_ref (message));
  tc_debug ("inbox %s: stored %s (%" G_GSIZE_FORMAT " bytes)", self->dir, message->id, size);
  if (out_message != NULL)
    *out_message = g_steal_pointer (&message);
  return TC_INBOX_STORED;
}

static void
remember_acknowledged (TcInbox *self, const char *key)
{
  char *copy;

  if (g_hash_table_contains (self->recent, key))
    return;
  if (self->recent_keys.length == RECENT_KEYS_MAX)
    {
      char *oldest = g_queue_pop_head (&self->recent_keys);

      g_hash_table_remove (self->recent, oldest);
      g_free (oldest);
    }
  copy = g_strdup (key);
  g_queue_push_tail (&self->recent_keys, copy);
  g_hash_table_add (self->recent, copy);
}

gboolean
tc_inbox_acknowledge (TcInbox *self, const char *id, GError **error)
{
  GList *link = NULL;
  TcInboxMessage *message;
  g_autofree char *name = NULL;
  g_autoptr (GError) sync_error = NULL;
  g_autoptr (GError) open_error = NULL;

  g_return_val_if_fail (TC_IS_INBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* An inbox that cannot be opened holds nothing: NOT_FOUND, as when
   * the id is unknown (the failure is logged). */
  if (!ensure_open (self, &open_error))
    {
      if (!self->destroyed)
        g_message ("inbox %s: %s", self->dir, open_error->message);
    }
  /* Nothing built from @id reaches the file system: only a stored id. */
  else if (tc_inbox_id_is_valid (id))
    link = g_hash_table_lookup (self->by_id, id);
  if (link == NULL)
    {
      g_autofree char *shown = g_strescape (id, NULL);

      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_FOUND, "No message \"%.80s\" in the inbox", shown);
      return FALSE;
    }
  message = link->data;

  name = g_strconcat (message->id, MSG_SUFFIX, NULL);
  if (unlinkat (self->dir_fd, name, 0) < 0 && errno != ENOENT)
    {
      tc_inbox_set_error_errno (error, errno, "Cannot delete message %s from the inbox %s", message->id, self->dir);
      return FALSE;
    }
  /* The message is gone; a failed sync only means it may come back after
   * a crash, delivered twice rather than lost. */
  if (!sync_dir (self, &sync_error))
    g_message ("inbox %s: acknowledged %s: %s", self->dir, message->id, sync_error->message);

  tc_debug ("inbox %s: acknowledged %s", self->dir, message->id);
  if (g_hash_table_lookup (self->by_key, message->dedupe_key) == message)
    g_hash_table_remove (self->by_key, message->dedupe_key);
  remember_acknowledged (self, message->dedupe_key);
  g_hash_table_remove (self->by_id, message->id);
  self->n_bytes -= g_bytes_get_size (message->body);
  g_queue_delete_link (&self->messages, link);
  release_message (message);
  return TRUE;
}

/* Opens a lazy inbox for reading; when it cannot be, it holds nothing
 * (logged). */
static void
ensure_open_to_read (TcInbox *self)
{
  g_autoptr (GError) error = NULL;

  if (!self->destroyed && !ensure_open (self, &error))
    g_message ("inbox %s: %s", self->dir, error->message);
}

GPtrArray *
tc_inbox_list (TcInbox *self)
{
  GPtrArray *list;
  GList *l;

  g_return_val_if_fail (TC_IS_INBOX (self), NULL);

  ensure_open_to_read (self);
  list = g_ptr_array_new_full (self->messages.length, (GDestroyNotify) tc_inbox_message_unref);
  for (l = self->messages.head; l != NULL; l = l->next)
    g_ptr_array_add (list, tc_inbox_message_ref (l->data));
  return list;
}

guint
tc_inbox_get_n_messages (TcInbox *self)
{
  g_return_val_if_fail (TC_IS_INBOX (self), 0);

  ensure_open_to_read (self);
  return self->messages.length;
}

static gboolean
is_our_file (const char *name)
{
  if (name[0] == '.')
    return g_str_has_suffix (name, TMP_SUFFIX);
  return g_str_has_suffix (name, MSG_SUFFIX) || g_str_has_suffix (name, MSG_SUFFIX BAD_SUFFIX);
}

gboolean
tc_inbox_destroy (TcInbox *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (TC_IS_INBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->destroyed)
    return TRUE;
  self->destroyed = TRUE;
  clear_messages (self);
  if (self->recent)
    g_hash_table_remove_all (self->recent);
  g_queue_clear_full (&self->recent_keys, g_free);

  /* A lazy inbox never opened may still hold what an earlier run left:
   * open the directory, without making it. */
  if (self->dir_fd < 0)
    {
      self->dir_fd = open (self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (self->dir_fd < 0 && errno == ENOENT)
        return TRUE;
      if (self->dir_fd < 0)
        {
          tc_inbox_set_error_errno (error, errno, "Cannot destroy the inbox %s: opening it", self->dir);
          return FALSE;
        }
    }

  /* Messages, moved-aside files and unfinished writes: all ours.  (When
   * the directory cannot be listed, rmdir() says why.) */
  dir = g_dir_open (self->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (is_our_file (name) && unlinkat (self->dir_fd, name, 0) < 0 && errno != ENOENT && local_error == NULL)
      tc_inbox_set_error_errno (&local_error, errno, "Cannot delete %s", name);
  close (self->dir_fd);
  self->dir_fd = -1;
  if (rmdir (self->dir) < 0 && errno != ENOENT && local_error == NULL)
    tc_inbox_set_error_errno (&local_error, errno, "Cannot remove the directory");
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Cannot destroy the inbox %s: ", self->dir);
      return FALSE;
    }
  tc_debug ("inbox %s: destroyed", self->dir);
  return TRUE;
}
