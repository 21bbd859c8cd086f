/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-resolver.h — FakeResolver, a GResolver for unit tests serving a
 * fixed zone of SRV and A/AAAA records (style.md B11: no network).
 *
 * It overrides lookup_records (SRV) and lookup_by_name: the SRV records
 * then go through GLib's own conversion and RFC 2782 sort (gresolver.c),
 * as with the real resolver.  It answers from an idle, or holds its
 * answers until fake_resolver_release(), and logs every query.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FAKE_TYPE_RESOLVER (fake_resolver_get_type ())
G_DECLARE_FINAL_TYPE (FakeResolver, fake_resolver, FAKE, RESOLVER, GResolver)

struct _FakeResolver {
  GResolver parent_instance;

  GHashTable *hosts; /* name -> "address address…" */
  GHashTable *srv;   /* rrname -> "priority weight port target, …" */
  GString *log;      /* "SRV _sip._udp.example.test; A a.example.test; " */
  guint outstanding;
  guint max_outstanding;
  gboolean hold;   /* keep answers until fake_resolver_release() */
  GPtrArray *held; /* answers held */
};

FakeResolver *fake_resolver_new (void);
/* @name resolves to @addresses ("192.0.2.1 2001:db8::1"), in that order. */
void fake_resolver_add_host (FakeResolver *fake, const char *name, const char *addresses);
/* @rrname ("_sip._udp.example.test") has @records
 * ("10 0 5060 a.example.test, 20 0 5062 b.example.test"). */
void fake_resolver_add_srv (FakeResolver *fake, const char *rrname, const char *records);
/* Answers every held query (those cancelled meanwhile were answered then). */
void fake_resolver_release (FakeResolver *fake);

G_END_DECLS
