/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-inbox.c — unit tests of TcInbox on a temporary directory: store,
 * list and acknowledge; persistence across a new TcInbox on the same
 * directory (messages, order, fields, dedupe keys); the bounds by count and
 * by bytes; duplicates, stored and recently acknowledged; damaged files
 * moved aside to .bad while the others load; acknowledging unknown and
 * malicious ids; destroy; file modes; the lazily read raw bytes.  With -m
 * perf, the time one store takes (fsync bound).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "core/core-error.h"
#include "core/inbox.h"

typedef struct {
  char *root;     /* a temporary directory */
  char *dir;      /* root/inbox: the inbox directory */
  TcInbox *inbox; /* on dir, 100 messages, 1 MiB */
} Fixture;

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static TcInbox *
open_inbox (const char *dir, guint max_messages, guint64 max_bytes)
{
  g_autoptr (GError) error = NULL;
  TcInbox *inbox = tc_inbox_new (dir, max_messages, max_bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (inbox);
  return inbox;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->root = g_dir_make_tmp ("tincan-test-inbox-XXXXXX", &error);
  g_assert_no_error (error);
  f->dir = g_build_filename (f->root, "inbox", NULL);
  f->inbox = open_inbox (f->dir, 100, 1024 * 1024);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->inbox);
  rm_rf (f->root);
  g_free (f->dir);
  g_free (f->root);
}

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* A raw MESSAGE request around @body. */
static GBytes *
raw_for (const char *key, const char *body)
{
  g_autofree char *text = g_strdup_printf ("MESSAGE sip:bob@biloxi.example.com SIP/2.0\r\n"
                                           "Call-ID: %s\r\n"
                                           "Content-Type: text/plain\r\n"
                                           "Content-Length: %zu\r\n\r\n%s",
                                           key, strlen (body), body);

  return bytes (text);
}

static TcInboxResult
store_full (TcInbox *inbox, const char *key, const char *body, TcInboxMessage **out, GError **error)
{
  g_autoptr (GBytes) body_bytes = bytes (body);
  g_autoptr (GBytes) raw = raw_for (key, body);

  return tc_inbox_store (inbox, key, "<sip:alice@atlanta.example.com>;tag=1", "<sip:bob@biloxi.example.com>",
                         "text/plain", body_bytes, raw, out, error);
}

/* Stores; asserts the result and returns the new message (or the stored
 * duplicate) or NULL. */
static TcInboxMessage *
store (TcInbox *inbox, const char *key, const char *body, TcInboxResult expected)
{
  g_autoptr (GError) error = NULL;
  TcInboxMessage *message = NULL;
  TcInboxResult result = store_full (inbox, key, body, &message, &error);

  g_assert_no_error (error);
  g_assert_cmpint (result, ==, expected);
  if (expected == TC_INBOX_STORED)
    g_assert_nonnull (message);
  if (expected == TC_INBOX_FULL)
    g_assert_null (message);
  return message;
}

static void
assert_body (const TcInboxMessage *message, const char *expected)
{
  gsize size;
  const char *data = g_bytes_get_data (tc_inbox_message_get_body (message), &size);

  g_assert_cmpmem (data, size, expected, strlen (expected));
}

static void
assert_acknowledge (TcInbox *inbox, const char *id)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tc_inbox_acknowledge (inbox, id, &error));
  g_assert_no_error (error);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in @dir, sorted, joined by spaces. */
static char *
dir_listing (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return g_strdup ("<none>");
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static char *
message_name (const TcInboxMessage *message)
{
  return g_strconcat (tc_inbox_message_get_id (message), ".msg", NULL);
}

static char *
message_path (const char *dir, const char *id)
{
  g_autofree char *name = g_strconcat (id, ".msg", NULL);

  return g_build_filename (dir, name, NULL);
}

static guint
count_files (const char *path, const char *suffix)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, suffix))
      n++;
  return n;
}

static void
test_store_list_ack (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) a = NULL;
  g_autoptr (TcInboxMessage) b = NULL;
  g_autoptr (TcInboxMessage) c = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GBytes) raw = raw_for ("key-b", "second");
  g_autoptr (GError) error = NULL;
  gint64 before = g_get_real_time ();
  GBytes *got;

  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 0);
  a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
  b = store (f->inbox, "key-b", "second", TC_INBOX_STORED);
  c = store (f->inbox, "key-c", "", TC_INBOX_STORED);
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 3);
  g_assert_cmpuint (count_files (f->dir, ".msg"), ==, 3);

  /* Ids: the documented alphabet, unique, sorting in arrival order. */
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{16}-[0-9a-f]{8}$", tc_inbox_message_get_id (a), 0, 0));
  g_assert_cmpstr (tc_inbox_message_get_id (a), <, tc_inbox_message_get_id (b));
  g_assert_cmpstr (tc_inbox_message_get_id (b), <, tc_inbox_message_get_id (c));

  g_assert_cmpstr (tc_inbox_message_get_from (b), ==, "<sip:alice@atlanta.example.com>;tag=1");
  g_assert_cmpstr (tc_inbox_message_get_to (b), ==, "<sip:bob@biloxi.example.com>");
  g_assert_cmpstr (tc_inbox_message_get_content_type (b), ==, "text/plain");
  g_assert_cmpint (tc_inbox_message_get_received (b), >=, before);
  g_assert_cmpint (tc_inbox_message_get_received (b), <=, g_get_real_time ());
  assert_body (b, "second");
  assert_body (c, "");
  got = tc_inbox_message_get_raw (b);
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, raw));
  g_assert_true (tc_inbox_message_get_raw (b) == got); /* cached */

  list = tc_inbox_list (f->inbox);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_true (g_ptr_array_index (list, 0) == a);
  g_assert_true (g_ptr_array_index (list, 1) == b);
  g_assert_true (g_ptr_array_index (list, 2) == c);
  g_clear_pointer (&list, g_ptr_array_unref);

  assert_acknowledge (f->inbox, tc_inbox_message_get_id (b));
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 2);
  g_assert_cmpuint (count_files (f->dir, ".msg"), ==, 2);
  list = tc_inbox_list (f->inbox);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (g_ptr_array_index (list, 0) == a);
  g_assert_true (g_ptr_array_index (list, 1) == c);

  /* Acknowledged twice: gone, and the error names the id. */
  g_assert_false (tc_inbox_acknowledge (f->inbox, tc_inbox_message_get_id (b), &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, tc_inbox_message_get_id (b)));
  /* The message object a client still holds stays readable. */
  assert_body (b, "second");
  g_assert_true (g_bytes_equal (tc_inbox_message_get_raw (b), raw));

  assert_acknowledge (f->inbox, tc_inbox_message_get_id (a));
  assert_acknowledge (f->inbox, tc_inbox_message_get_id (c));
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 0);
  g_assert_cmpuint (count_files (f->dir, ""), ==, 0);
}

/* Values that are not plain ASCII survive the file format byte for byte;
 * absent ones stay absent. */
static void
test_odd_values (Fixture *f, gconstpointer data)
{
  static const char body_data[] = "binary\0body\xff\n\r\n%00";
  static const char raw_data[] = "raw\0\x01\x02 with % and \n\n in it";
  const char *key = "call-id@host\n42\ntag with spaces % %41 \xc3\xa5";
  const char *from = "\"J\xc3\xb6rg %\" <sip:j@example.com>;tag=x\\y";
  g_autoptr (GBytes) body = g_bytes_new (body_data, sizeof body_data - 1);
  g_autoptr (GBytes) raw = g_bytes_new (raw_data, sizeof raw_data - 1);
  g_autoptr (TcInboxMessage) stored = NULL;
  g_autoptr (TcInboxMessage) again = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  TcInboxMessage *loaded;

  g_assert_cmpint (tc_inbox_store (f->inbox, key, from, NULL, NULL, body, raw, &stored, &error), ==, TC_INBOX_STORED);
  g_assert_no_error (error);
  g_clear_object (&f->inbox);

  f->inbox = open_inbox (f->dir, 100, 1024 * 1024);
  list = tc_inbox_list (f->inbox);
  g_assert_cmpuint (list->len, ==, 1);
  loaded = g_ptr_array_index (list, 0);
  g_assert_cmpstr (tc_inbox_message_get_id (loaded), ==, tc_inbox_message_get_id (stored));
  g_assert_cmpstr (tc_inbox_message_get_from (loaded), ==, from);
  g_assert_null (tc_inbox_message_get_to (loaded));
  g_assert_null (tc_inbox_message_get_content_type (loaded));
  g_assert_cmpint (tc_inbox_message_get_received (loaded), ==, tc_inbox_message_get_received (stored));
  g_assert_true (g_bytes_equal (tc_inbox_message_get_body (loaded), body));
  g_assert_true (g_bytes_equal (tc_inbox_message_get_raw (loaded), raw));

  /* The dedupe key came back exactly. */
  g_assert_cmpint (tc_inbox_store (f->inbox, key, from, NULL, NULL, body, raw, &again, &error), ==, TC_INBOX_DUPLICATE);
  g_assert_no_error (error);
  g_assert_true (again == loaded);
}

static void
test_persistence (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) b = store (f->inbox, "key-b", "second", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) c = store (f->inbox, "key-c", "third", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) d = NULL;
  g_autoptr (TcInboxMessage) dup = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GBytes) raw_c = raw_for ("key-c", "third");
  TcInboxMessage *m;

  assert_acknowledge (f->inbox, tc_inbox_message_get_id (b));
  g_clear_object (&f->inbox);

  f->inbox = open_inbox (f->dir, 100, 1024 * 1024);
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 2);
  list = tc_inbox_list (f->inbox);
  g_assert_cmpuint (list->len, ==, 2);
  m = g_ptr_array_index (list, 0);
  g_assert_cmpstr (tc_inbox_message_get_id (m), ==, tc_inbox_message_get_id (a));
  g_assert_cmpstr (tc_inbox_message_get_from (m), ==, tc_inbox_message_get_from (a));
  g_assert_cmpstr (tc_inbox_message_get_to (m), ==, tc_inbox_message_get_to (a));
  g_assert_cmpstr (tc_inbox_message_get_content_type (m), ==, "text/plain");
  g_assert_cmpint (tc_inbox_message_get_received (m), ==, tc_inbox_message_get_received (a));
  assert_body (m, "first");
  m = g_ptr_array_index (list, 1);
  g_assert_cmpstr (tc_inbox_message_get_id (m), ==, tc_inbox_message_get_id (c));
  assert_body (m, "third");
  g_assert_true (g_bytes_equal (tc_inbox_message_get_raw (m), raw_c));

  /* Dedupe keys of the stored messages came back with them. */
  dup = store (f->inbox, "key-c", "third again", TC_INBOX_DUPLICATE);
  g_assert_true (dup == m);
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 2);

  /* A new message sorts after the loaded ones, and goes last. */
  d = store (f->inbox, "key-d", "fourth", TC_INBOX_STORED);
  g_assert_cmpstr (tc_inbox_message_get_id (d), >, tc_inbox_message_get_id (c));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = tc_inbox_list (f->inbox);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_true (g_ptr_array_index (list, 2) == d);

  /* And a third run sees the same three, in the same order. */
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_object (&f->inbox);
  f->inbox = open_inbox (f->dir, 100, 1024 * 1024);
  list = tc_inbox_list (f->inbox);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (tc_inbox_message_get_id (g_ptr_array_index (list, 0)), ==, tc_inbox_message_get_id (a));
  g_assert_cmpstr (tc_inbox_message_get_id (g_ptr_array_index (list, 1)), ==, tc_inbox_message_get_id (c));
  g_assert_cmpstr (tc_inbox_message_get_id (g_ptr_array_index (list, 2)), ==, tc_inbox_message_get_id (d));
}

static void
test_full_by_count (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInbox) inbox = NULL;
  g_autoptr (TcInboxMessage) a = NULL;
  g_autoptr (TcInboxMessage) b = NULL;
  g_autoptr (TcInboxMessage) c = NULL;
  g_autoptr (TcInboxMessage) dup = NULL;
  g_autofree char *small = g_build_filename (f->root, "small", NULL);

  inbox = open_inbox (small, 2, 1024 * 1024);
  a = store (inbox, "key-a", "1", TC_INBOX_STORED);
  b = store (inbox, "key-b", "2", TC_INBOX_STORED);
  c = store (inbox, "key-c", "3", TC_INBOX_FULL);
  g_assert_cmpuint (tc_inbox_get_n_messages (inbox), ==, 2);
  g_assert_cmpuint (count_files (small, ""), ==, 2);

  /* A retransmission of a stored message is still a duplicate, not full. */
  dup = store (inbox, "key-b", "2", TC_INBOX_DUPLICATE);
  g_assert_true (dup == b);

  assert_acknowledge (inbox, tc_inbox_message_get_id (a));
  c = store (inbox, "key-c", "3", TC_INBOX_STORED);
  g_assert_cmpuint (count_files (small, ""), ==, 2);

  /* An inbox reopened with a lower bound loads everything (nothing is ever
   * dropped) and refuses new messages until enough are acknowledged. */
  g_clear_object (&inbox);
  inbox = open_inbox (small, 1, 1024 * 1024);
  g_assert_cmpuint (tc_inbox_get_n_messages (inbox), ==, 2);
  g_clear_pointer (&a, tc_inbox_message_unref);
  a = store (inbox, "key-d", "4", TC_INBOX_FULL);
  assert_acknowledge (inbox, tc_inbox_message_get_id (b));
  a = store (inbox, "key-d", "4", TC_INBOX_FULL);
  assert_acknowledge (inbox, tc_inbox_message_get_id (c));
  a = store (inbox, "key-d", "4", TC_INBOX_STORED);
}

static void
test_full_by_bytes (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInbox) inbox = NULL;
  g_autoptr (TcInboxMessage) a = NULL;
  g_autoptr (TcInboxMessage) b = NULL;
  g_autoptr (TcInboxMessage) c = NULL;
  g_autoptr (TcInboxMessage) d = NULL;
  g_autofree char *small = g_build_filename (f->root, "small", NULL);

  inbox = open_inbox (small, 100, 10);
  a = store (inbox, "key-a", "123456", TC_INBOX_STORED);
  b = store (inbox, "key-b", "12345", TC_INBOX_FULL); /* 11 > 10 */
  g_assert_cmpuint (count_files (small, ""), ==, 1);
  b = store (inbox, "key-b", "1234", TC_INBOX_STORED); /* exactly 10 */
  c = store (inbox, "key-c", "x", TC_INBOX_FULL);
  c = store (inbox, "key-c", "", TC_INBOX_STORED); /* empty bodies still fit */
  g_assert_cmpuint (tc_inbox_get_n_messages (inbox), ==, 3);
  g_assert_cmpuint (count_files (small, ""), ==, 3);

  /* The byte count is restored from the files. */
  g_clear_object (&inbox);
  inbox = open_inbox (small, 100, 10);
  d = store (inbox, "key-d", "x", TC_INBOX_FULL);
  assert_acknowledge (inbox, tc_inbox_message_get_id (a));
  d = store (inbox, "key-d", "1234567", TC_INBOX_FULL);
  d = store (inbox, "key-d", "123456", TC_INBOX_STORED);
}

static void
test_duplicates (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) dup = NULL;
  g_autoptr (GError) error = NULL;

  /* A stored key: the stored message is returned, nothing new is stored. */
  dup = store (f->inbox, "key-a", "first", TC_INBOX_DUPLICATE);
  g_assert_true (dup == a);
  g_clear_pointer (&dup, tc_inbox_message_unref);
  g_assert_cmpint (store_full (f->inbox, "key-a", "other body", NULL, &error), ==, TC_INBOX_DUPLICATE);
  g_assert_no_error (error);
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 1);
  g_assert_cmpuint (count_files (f->dir, ""), ==, 1);

  /* Acknowledged: still a duplicate, with no message to return. */
  assert_acknowledge (f->inbox, tc_inbox_message_get_id (a));
  dup = store (f->inbox, "key-a", "first", TC_INBOX_DUPLICATE);
  g_assert_null (dup);
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 0);
  g_assert_cmpuint (count_files (f->dir, ""), ==, 0);
}

/* Only the last 1024 acknowledged keys are remembered. */
static void
test_duplicates_window (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) m = NULL;
  guint i;

  for (i = 0; i <= 1024; i++)
    {
      g_autofree char *key = g_strdup_printf ("key-%u", i);

      m = store (f->inbox, key, "x", TC_INBOX_STORED);
      assert_acknowledge (f->inbox, tc_inbox_message_get_id (m));
      g_clear_pointer (&m, tc_inbox_message_unref);
    }
  /* key-0 fell out of the window; key-1 did not. */
  m = store (f->inbox, "key-1", "x", TC_INBOX_DUPLICATE);
  g_assert_null (m);
  m = store (f->inbox, "key-0", "x", TC_INBOX_STORED);
}

static void
write_file (const char *dir, const char *name, const void *data, gsize size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
}

static GBytes *
read_message_file (const char *dir, const char *id)
{
  g_autofree char *path = message_path (dir, id);
  g_autoptr (GError) error = NULL;
  char *data;
  gsize size;

  g_file_get_contents (path, &data, &size, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

static gboolean
exists_in (const char *dir, const char *id, const char *suffix)
{
  g_autofree char *name = g_strconcat (id, suffix, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_corrupt_files (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) good = store (f->inbox, "key-good", "fine", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) truncated = store (f->inbox, "key-truncated", "cut short", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) flipped = store (f->inbox, "key-flipped", "one bit off", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) longer = store (f->inbox, "key-longer", "grown", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) dup = NULL;
  g_autoptr (GBytes) contents = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *truncated_name = message_name (truncated);
  g_autofree char *flipped_name = message_name (flipped);
  g_autofree char *longer_name = message_name (longer);
  const char *header_only = "tincan-inbox-message 1\nid: 00000000000000aa-00000000\n\n";
  const char *no_end = "tincan-inbox-message 1\nid: 00000000000000ab-00000000\n";
  gsize size;

  /* Truncated in the raw bytes. */
  contents = read_message_file (f->dir, tc_inbox_message_get_id (truncated));
  write_file (f->dir, truncated_name, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents) - 3);
  g_clear_pointer (&contents, g_bytes_unref);

  /* A changed byte in the body: the digest catches it. */
  contents = read_message_file (f->dir, tc_inbox_message_get_id (flipped));
  size = g_bytes_get_size (contents);
  copy = g_strndup (g_bytes_get_data (contents, NULL), size); /* the header and this body have no NUL */
  copy[strstr (copy, "one bit off") - copy] = 'O';
  write_file (f->dir, flipped_name, copy, size);
  g_clear_pointer (&contents, g_bytes_unref);
  g_clear_pointer (&copy, g_free);

  /* Bytes appended. */
  contents = read_message_file (f->dir, tc_inbox_message_get_id (longer));
  copy =
    g_strdup_printf ("%.*sXX", (int) g_bytes_get_size (contents), (const char *) g_bytes_get_data (contents, NULL));
  write_file (f->dir, longer_name, copy, strlen (copy));

  /* Not ours at all, a header missing keys, a header with no end, an empty
   * file, a name that is no id; an unfinished write; an unrelated file. */
  write_file (f->dir, "00000000000000a0-00000000.msg", "garbage\n", 8);
  write_file (f->dir, "00000000000000aa-00000000.msg", header_only, strlen (header_only));
  write_file (f->dir, "00000000000000ab-00000000.msg", no_end, strlen (no_end));
  write_file (f->dir, "00000000000000ac-00000000.msg", "", 0);
  write_file (f->dir, "NOT-AN-ID.msg", "x", 1);
  write_file (f->dir, ".00000000000000ad-00000000.tmp", "half", 4);
  write_file (f->dir, "README", "kept", 4);

  g_clear_object (&f->inbox);
  f->inbox = open_inbox (f->dir, 100, 1024 * 1024);

  list = tc_inbox_list (f->inbox);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (tc_inbox_message_get_id (g_ptr_array_index (list, 0)), ==, tc_inbox_message_get_id (good));
  assert_body (g_ptr_array_index (list, 0), "fine");

  /* Moved aside, never deleted. */
  g_assert_true (exists_in (f->dir, tc_inbox_message_get_id (truncated), ".msg.bad"));
  g_assert_true (exists_in (f->dir, tc_inbox_message_get_id (flipped), ".msg.bad"));
  g_assert_true (exists_in (f->dir, tc_inbox_message_get_id (longer), ".msg.bad"));
  g_assert_true (exists_in (f->dir, "00000000000000a0-00000000", ".msg.bad"));
  g_assert_true (exists_in (f->dir, "00000000000000aa-00000000", ".msg.bad"));
  g_assert_true (exists_in (f->dir, "00000000000000ab-00000000", ".msg.bad"));
  g_assert_true (exists_in (f->dir, "00000000000000ac-00000000", ".msg.bad"));
  g_assert_true (exists_in (f->dir, "NOT-AN-ID", ".msg.bad"));
  g_assert_false (exists_in (f->dir, tc_inbox_message_get_id (truncated), ".msg"));
  g_assert_true (exists_in (f->dir, "README", ""));
  g_assert_false (exists_in (f->dir, ".00000000000000ad-00000000", ".tmp"));
  g_assert_cmpuint (count_files (f->dir, ".msg"), ==, 1);

  /* A moved-aside message no longer blocks its key; .bad files stay put on
   * the next load. */
  dup = store (f->inbox, "key-truncated", "cut short", TC_INBOX_STORED);
  g_clear_object (&f->inbox);
  f->inbox = open_inbox (f->dir, 100, 1024 * 1024);
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 2);
  g_assert_cmpuint (count_files (f->dir, ".bad"), ==, 8);
  g_assert_cmpuint (count_files (f->dir, ".bad.bad"), ==, 0);
}

/* The raw bytes are read from the file: once the message is acknowledged
 * and no cache is left, they are gone. */
static void
test_raw_lazy (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GBytes) raw = raw_for ("key-a", "first");
  g_autofree char *id = g_strdup (tc_inbox_message_get_id (a));
  TcInboxMessage *m;

  /* Not read yet when the last outside reference goes. */
  g_clear_pointer (&a, tc_inbox_message_unref);
  list = tc_inbox_list (f->inbox);
  m = g_ptr_array_index (list, 0);
  g_assert_true (g_bytes_equal (tc_inbox_message_get_raw (m), raw));
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Whoever holds the message when it is acknowledged keeps the cache... */
  list = tc_inbox_list (f->inbox);
  m = g_ptr_array_index (list, 0);
  g_assert_true (g_bytes_equal (tc_inbox_message_get_raw (m), raw));
  assert_acknowledge (f->inbox, id);
  g_assert_true (g_bytes_equal (tc_inbox_message_get_raw (m), raw));
  g_clear_pointer (&list, g_ptr_array_unref);

  /* ...but a message never read before has nothing to read any more. */
  a = store (f->inbox, "key-b", "second", TC_INBOX_STORED);
  assert_acknowledge (f->inbox, tc_inbox_message_get_id (a));
  g_assert_null (tc_inbox_message_get_raw (a));
  assert_body (a, "second");
}

static void
test_acknowledge_unknown (Fixture *f, gconstpointer data)
{
  static const char *const bad_ids[] = {
    "",
    "../x",
    "../x.msg",
    "..",
    ".",
    "/etc/passwd",
    "x",
    "0000000000000001-00000000",
    "0000000000000001-00000000.msg",
    "0000000000000001-0000000/",
    "ABCDEF",
    "00000000000000000000000000000000000000000000000000000000000000000",
    "\xff\xfe",
    "id\nwith newline",
  };
  g_autoptr (TcInboxMessage) a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
  g_autofree char *outside = g_build_filename (f->root, "x", NULL);
  g_autofree char *outside_msg = g_build_filename (f->root, "x.msg", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *root_before = NULL;
  g_autofree char *root_after = NULL;
  guint i;

  write_file (f->root, "x", "victim", 6);
  write_file (f->root, "x.msg", "victim", 6);
  before = dir_listing (f->dir);
  root_before = dir_listing (f->root);

  for (i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr (GError) error = NULL;

      g_autofree char *shown = g_strescape (bad_ids[i], NULL);

      g_test_message ("acknowledging \"%s\"", shown);
      g_assert_false (tc_inbox_acknowledge (f->inbox, bad_ids[i], &error));
      g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_FOUND);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  after = dir_listing (f->dir);
  root_after = dir_listing (f->root);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (root_before, ==, root_after);
  g_assert_true (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (outside_msg, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 1);
}

static void
test_destroy (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) b = store (f->inbox, "key-b", "second", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) c = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;

  write_file (f->dir, "0000000000000001-00000000.msg.bad", "x", 1);

  g_assert_true (tc_inbox_destroy (f->inbox, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 0);
  list = tc_inbox_list (f->inbox);
  g_assert_cmpuint (list->len, ==, 0);

  /* Messages held outside stay valid; the inbox takes nothing new. */
  assert_body (a, "first");
  g_assert_cmpint (store_full (f->inbox, "key-c", "third", &c, &error), ==, TC_INBOX_FULL);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_assert_null (c);
  g_clear_error (&error);
  g_assert_false (tc_inbox_acknowledge (f->inbox, tc_inbox_message_get_id (a), &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));

  /* Twice is harmless. */
  g_assert_true (tc_inbox_destroy (f->inbox, &error));
  g_assert_no_error (error);
}

static void
test_modes (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
  g_autofree char *path = message_path (f->dir, tc_inbox_message_get_id (a));
  g_autofree char *nested = g_build_filename (f->root, "a", "b", "inbox", NULL);
  g_autoptr (TcInbox) inbox = NULL;
  struct stat st;
  mode_t old_umask;

  g_assert_cmpint (g_stat (f->dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);

  /* Whatever the umask, and with missing parents. */
  old_umask = umask (0);
  inbox = open_inbox (nested, 10, 1000);
  g_clear_pointer (&a, tc_inbox_message_unref);
  a = store (inbox, "key-a", "first", TC_INBOX_STORED);
  umask (old_umask);
  g_clear_pointer (&path, g_free);
  path = message_path (nested, tc_inbox_message_get_id (a));
  g_assert_cmpint (g_stat (nested, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
}

static void
test_open_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *file = g_build_filename (f->root, "plain-file", NULL);
  g_autofree char *below = g_build_filename (file, "inbox", NULL);
  g_autoptr (GError) error = NULL;
  TcInbox *inbox;

  write_file (f->root, "plain-file", "x", 1);
  inbox = tc_inbox_new (file, 10, 1000, &error);
  g_assert_null (inbox);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, file));
  g_clear_error (&error);

  inbox = tc_inbox_new (below, 10, 1000, &error);
  g_assert_null (inbox);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, below));
}

/* A store that cannot write (a read-only directory) fails with an error,
 * as TC_INBOX_FULL, and leaves nothing behind. */
static void
test_store_error (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) a = NULL;
  g_autoptr (GError) error = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root writes to read-only directories");
      return;
    }
  g_assert_cmpint (g_chmod (f->dir, 0500), ==, 0);
  g_assert_cmpint (store_full (f->inbox, "key-a", "first", &a, &error), ==, TC_INBOX_FULL);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, f->dir));
  g_assert_null (a);
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (f->dir, 0700), ==, 0);
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 0);
  g_assert_cmpuint (count_files (f->dir, ""), ==, 0);

  /* Not remembered as stored: the retransmission is stored. */
  a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
}

/* The same when the disk refuses the write (a file size limit, which
 * binds root too): EFBIG, no temporary file left. */
static void
test_store_error_write (Fixture *f, gconstpointer data)
{
  g_autoptr (TcInboxMessage) a = NULL;
  g_autoptr (GError) error = NULL;
  struct rlimit old_limit, limit;
  void (*old_handler) (int);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = 16;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_cmpint (store_full (f->inbox, "key-a", "first", &a, &error), ==, TC_INBOX_FULL);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_assert_null (a);
  g_assert_cmpuint (tc_inbox_get_n_messages (f->inbox), ==, 0);
  g_assert_cmpuint (count_files (f->dir, ""), ==, 0);
  a = store (f->inbox, "key-a", "first", TC_INBOX_STORED);
}

/* With -m perf: how long one durable store takes here. */
static void
test_store_timing (Fixture *f, gconstpointer data)
{
  const guint n = 200;
  g_autoptr (GTimer) timer = g_timer_new ();
  g_autoptr (GBytes) body = g_bytes_new_take (g_strnfill (200, 'x'), 200);
  g_autoptr (GBytes) raw = g_bytes_new_take (g_strnfill (900, 'r'), 900);
  double store_s, ack_s;
  guint i;

  if (!g_test_perf ())
    {
      g_test_skip ("a timing: run with -m perf");
      return;
    }
  g_clear_object (&f->inbox);
  f->inbox = open_inbox (f->dir, n, 1024 * 1024);
  g_timer_start (timer);
  for (i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("perf-%u", i);

      g_assert_cmpint (tc_inbox_store (f->inbox, key, "<sip:a@example.com>;tag=x", "<sip:b@example.com>", "text/plain",
                                       body, raw, NULL, NULL),
                       ==, TC_INBOX_STORED);
    }
  store_s = g_timer_elapsed (timer, NULL) / n;
  g_timer_start (timer);
  g_clear_object (&f->inbox);
  f->inbox = open_inbox (f->dir, n, 1024 * 1024);
  g_test_message ("loading %u messages: %.2f ms", n, g_timer_elapsed (timer, NULL) * 1000);
  {
    g_autoptr (GPtrArray) list = tc_inbox_list (f->inbox);

    g_timer_start (timer);
    for (i = 0; i < list->len; i++)
      assert_acknowledge (f->inbox, tc_inbox_message_get_id (g_ptr_array_index (list, i)));
    ack_s = g_timer_elapsed (timer, NULL) / n;
  }
  g_test_message ("store: %.3f ms each; acknowledge: %.3f ms each", store_s * 1000, ack_s * 1000);
  g_test_minimized_result (store_s, "store: %.3f ms", store_s * 1000);
}

/* tc_inbox_new_lazy(): nothing on disk until the first use; then what an
 * earlier run left is there (listed, counted, acknowledged, a duplicate
 * key), a store works on a fresh directory, destroying one never opened
 * deletes what is on disk, and an unusable directory fails the use, not
 * the creation. */
static void
test_lazy (Fixture *f, gconstpointer data)
{
  g_autofree char *fresh = g_build_filename (f->root, "fresh", NULL);
  g_autofree char *file = g_build_filename (f->root, "plain-file", NULL);
  g_autoptr (TcInboxMessage) kept = store (f->inbox, "key-kept", "from before", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) other = store (f->inbox, "key-other", "also", TC_INBOX_STORED);
  g_autoptr (TcInboxMessage) dup = NULL;
  g_autoptr (TcInboxMessage) m = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcInbox) lazy = NULL;

  g_clear_object (&f->inbox);

  /* Never used: no directory made. */
  lazy = tc_inbox_new_lazy (fresh, 10, 1000);
  g_assert_nonnull (lazy);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_clear_object (&lazy);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));

  /* A first store makes it. */
  lazy = tc_inbox_new_lazy (fresh, 10, 1000);
  m = store (lazy, "key-new", "new", TC_INBOX_STORED);
  g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (tc_inbox_get_n_messages (lazy), ==, 1);
  g_clear_object (&lazy);
  g_clear_pointer (&m, tc_inbox_message_unref);

  /* An earlier run's messages: counted, listed, deduplicated, acknowledged. */
  lazy = tc_inbox_new_lazy (f->dir, 100, 1024 * 1024);
  g_assert_cmpuint (tc_inbox_get_n_messages (lazy), ==, 2);
  g_clear_object (&lazy);
  lazy = tc_inbox_new_lazy (f->dir, 100, 1024 * 1024);
  list = tc_inbox_list (lazy);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (tc_inbox_message_get_id (g_ptr_array_index (list, 0)), ==, tc_inbox_message_get_id (kept));
  g_clear_object (&lazy);
  lazy = tc_inbox_new_lazy (f->dir, 100, 1024 * 1024);
  dup = store (lazy, "key-kept", "from before", TC_INBOX_DUPLICATE);
  g_assert_nonnull (dup);
  g_clear_object (&lazy);
  lazy = tc_inbox_new_lazy (f->dir, 100, 1024 * 1024);
  assert_acknowledge (lazy, tc_inbox_message_get_id (other));
  g_clear_object (&lazy);

  /* Destroyed without being opened: the files and the directory go. */
  lazy = tc_inbox_new_lazy (f->dir, 100, 1024 * 1024);
  g_assert_true (tc_inbox_destroy (lazy, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (tc_inbox_get_n_messages (lazy), ==, 0);
  g_clear_object (&lazy);
  /* ... and one that never existed. */
  lazy = tc_inbox_new_lazy (f->dir, 100, 1024 * 1024);
  g_assert_true (tc_inbox_destroy (lazy, &error));
  g_assert_no_error (error);
  g_clear_object (&lazy);

  /* A directory that cannot be made: the store fails with the reason,
   * the list is empty, and the creation itself did not fail. */
  write_file (f->root, "plain-file", "x", 1);
  lazy = tc_inbox_new_lazy (file, 10, 1000);
  g_assert_nonnull (lazy);
  g_assert_cmpint (store_full (lazy, "k", "b", NULL, &error), ==, TC_INBOX_FULL);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, file));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = tc_inbox_list (lazy);
  g_assert_cmpuint (list->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/inbox/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("store-list-ack", test_store_list_ack);
  ADD ("odd-values", test_odd_values);
  ADD ("persistence", test_persistence);
  ADD ("full-by-count", test_full_by_count);
  ADD ("full-by-bytes", test_full_by_bytes);
  ADD ("duplicates", test_duplicates);
  ADD ("duplicates-window", test_duplicates_window);
  ADD ("corrupt-files", test_corrupt_files);
  ADD ("raw-lazy", test_raw_lazy);
  ADD ("acknowledge-unknown", test_acknowledge_unknown);
  ADD ("destroy", test_destroy);
  ADD ("modes", test_modes);
  ADD ("open-errors", test_open_errors);
  ADD ("lazy", test_lazy);
  ADD ("store-error", test_store_error);
  ADD ("store-error-write", test_store_error_write);
  ADD ("store-timing", test_store_timing);
#undef ADD

  return g_test_run ();
}
