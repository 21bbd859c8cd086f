/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inbox.h — TcInbox: the durable, bounded queue of incoming page-mode
 * messages of one endpoint (RFC 3428; dbus-api.md: "never lost").
 *
 * A message is stored before the 200 OK goes out: one file per message in
 * the inbox directory, written to a temporary name, fsync'ed, renamed and
 * the directory fsync'ed, so that a crash after the 200 loses nothing.  It
 * stays until acknowledged by id.  A new inbox loads what an earlier run
 * left.  When the inbox holds max_messages (or max_bytes of bodies) a new
 * message is refused (TC_INBOX_FULL: the endpoint answers 486), never
 * stored by dropping another.
 *
 * Duplicates: each message carries a dedupe key (the endpoint builds it
 * from Call-ID, CSeq and From tag); a message whose key is stored, or was
 * acknowledged recently (the last 1024 keys), is TC_INBOX_DUPLICATE and is
 * not stored again, so retransmissions and re-sent MESSAGEs are delivered
 * once.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _TcInboxMessage TcInboxMessage;

GType tc_inbox_message_get_type (void);
TcInboxMessage *tc_inbox_message_ref (TcInboxMessage *message);
void tc_inbox_message_unref (TcInboxMessage *message);
/* Unique in the inbox, stable across restarts ([0-9a-f-], at most 64). */
const char *tc_inbox_message_get_id (const TcInboxMessage *message);
const char *tc_inbox_message_get_from (const TcInboxMessage *message);
const char *tc_inbox_message_get_to (const TcInboxMessage *message);
const char *tc_inbox_message_get_content_type (const TcInboxMessage *message);
GBytes *tc_inbox_message_get_body (const TcInboxMessage *message);
/* The whole SIP request as received (for the "sip-message" detail). */
GBytes *tc_inbox_message_get_raw (const TcInboxMessage *message);
/* Wall-clock time of arrival, µs since the epoch. */
gint64 tc_inbox_message_get_received (const TcInboxMessage *message);

typedef enum {
  TC_INBOX_STORED,
  TC_INBOX_DUPLICATE,
  TC_INBOX_FULL,
} TcInboxResult;

#define TC_TYPE_INBOX (tc_inbox_get_type ())
G_DECLARE_FINAL_TYPE (TcInbox, tc_inbox, TC, INBOX, GObject)

/* Opens (creating it 0700) the inbox in @dir and loads the messages an
 * earlier run stored; a file that cannot be read is logged and moved
 * aside to <name>.bad, never deleted. */
TcInbox *tc_inbox_new (const char *dir, guint max_messages, guint64 max_bytes, GError **error);
/* The same, done at the first use instead (store, acknowledge, list, count
 * or destroy), so that an endpoint whose inbox is never used costs neither
 * I/O nor tables: thousands start at once.  Never fails; when the directory
 * cannot be made or read then, store and acknowledge fail with the reason,
 * list and count log it and find nothing, and the next use tries again. */
TcInbox *tc_inbox_new_lazy (const char *dir, guint max_messages, guint64 max_bytes);

/* Stores a message durably.  TC_INBOX_STORED: @out_message (if non-NULL)
 * is the new message; TC_INBOX_DUPLICATE: it is the stored one when still
 * held (else NULL); TC_INBOX_FULL: nothing stored.  FALSE-like failure
 * (the disk) is reported with @error and TC_INBOX_FULL. */
TcInboxResult tc_inbox_store (TcInbox *self, const char *dedupe_key, const char *from, const char *to,
                              const char *content_type, GBytes *body, GBytes *raw, TcInboxMessage **out_message,
                              GError **error);

/* Deletes message @id; TC_CORE_ERROR_NOT_FOUND when there is none. */
gboolean tc_inbox_acknowledge (TcInbox *self, const char *id, GError **error);

/* The messages held, oldest first (TcInboxMessage, new references). */
GPtrArray *tc_inbox_list (TcInbox *self);
guint tc_inbox_get_n_messages (TcInbox *self);

/* Deletes every message and the directory (the endpoint was removed). */
gboolean tc_inbox_destroy (TcInbox *self, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcInboxMessage, tc_inbox_message_unref)

G_END_DECLS
