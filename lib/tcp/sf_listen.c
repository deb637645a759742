/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The listener table: (address or wildcard, port) -> listener, shared by
 * every worker. A 64 Ki array maps the port to its first listener; the
 * few listeners of one port are chained, and the lookup prefers an exact
 * address over a family wildcard over an any-family wildcard, as
 * Linux's compute_score() prefers a bound address to INADDR_ANY.
 *
 * Run-time changes, under quiescent-state-based RCU (rte_rcu_qsbr): the
 * workers read the chains with no lock; one control thread at a time
 * (et_lock) changes them.
 *   add     fill a free slot, then link it at the head of its port's chain
 *           with a release store: a worker sees all of it or none of it.
 *   change  store each setting atomically in place (setsockopt()).
 *   remove  unlink it (release store; a worker already on it walks on, as
 *           its own link is left alone), mark it CLOSING and move
 *           et_ls_gen. Each worker, at the top of its next poll, sees the
 *           move and drops its requests and queued connections of every
 *           listener not ACTIVE. The slot is free again once a grace
 *           period has passed (every worker has begun a poll after the
 *           move) and nothing counts against it any more: no request, no
 *           place in the accept queue (connections on their way to an
 *           application context), no live connection.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "sf_tcp_pvt.h"

RTE_LOG_REGISTER(sf_logtype_tcp, synfront.tcp, INFO);

#define SF_LCOUNTER_NAME(name, desc) #name,
static const char *const sf_lcounter_names[SF_LCNT_MAX] = {
	SF_LCOUNTER_LIST(SF_LCOUNTER_NAME)
};

const char *
sf_lcounter_name(enum sf_lcounter c)
{
	return (unsigned int)c < SF_LCNT_MAX ? sf_lcounter_names[c] : NULL;
}

/* Linux caps TCP_DEFER_ACCEPT far beyond this; an hour is plenty. */
#define SF_DEFER_MAX 3600

void
sf_listener_params_init(struct sf_listener_params *p)
{
	memset(p, 0, sizeof(*p));
	p->backlog = SF_SOMAXCONN_DEFAULT;
	p->syn_backlog = 1024;
	p->synack_retries = 5;
	p->synack_timeout_ms = 1000;
	p->syncookies = 1;
	/*
	 * 65535 unscaled, shift 7 (Linux's usual tcp_rmem gives 7 too):
	 * what a Linux server's SYN-ACK advertises.
	 */
	p->window = 65535;
	p->wscale = 7;
	p->timestamps = true;
	p->sack = true;
	p->ecn = true;
	p->keepalive_intvl_ms = 75000;
	p->keepalive_probes = 9;
}

static bool
sf_listener_same_addr(const struct sf_listener *ls, uint8_t family,
		const uint32_t *a)
{
	return ls->ls_family == family &&
		memcmp(ls->ls_laddr, a, sizeof(ls->ls_laddr)) == 0;
}

/* The settings sf_engine_listen() and sf_engine_listen_update() accept. */
static bool
sf_listener_params_ok(const struct sf_listener_params *p)
{
	return p->port != 0 && p->syn_backlog != 0 &&
		p->synack_timeout_ms != 0 &&
		p->synack_timeout_ms <= SF_RTO_MAX_MS &&
		p->wscale <= SF_TCP_MAX_WSCALE && p->window != 0 &&
		p->syncookies <= 2 && p->defer_accept <= SF_DEFER_MAX &&
		(p->mss == 0 || (p->mss >= SF_MSS_MIN && p->mss <= SF_MSS_MAX)) &&
		p->keepalive_ms <= SF_KEEPALIVE_MAX_MS &&
		(p->keepalive_ms == 0 || p->keepalive_ms >= 1000) &&
		p->keepalive_intvl_ms >= 1000 &&
		p->keepalive_intvl_ms <= SF_KEEPALIVE_MAX_MS &&
		p->keepalive_probes >= 1 && p->keepalive_probes <= 127 &&
		p->idle_timeout_ms <= SF_KEEPALIVE_MAX_MS &&
		(p->idle_timeout_ms == 0 || p->idle_timeout_ms >= 1000);
}

/* Address of p as the table keys it; -EINVAL when it cannot listen. */
static int
sf_listener_key(const struct sf_addr *a, uint8_t *family, uint32_t *laddr,
		bool *wild)
{
	static const uint8_t zero16[16];

	memset(laddr, 0, 16);
	*family = a->family;
	if (a->family == AF_INET) {
		laddr[0] = a->v4;
		*wild = a->v4 == 0;
		if (!*wild && sf_v4_is_martian_src(a->v4))
			return -EINVAL;
	} else if (a->family == AF_INET6) {
		memcpy(laddr, a->v6, 16);
		*wild = memcmp(a->v6, zero16, 16) == 0;
		if (!*wild && sf_v6_is_martian_src(a->v6))
			return -EINVAL;
	} else if (a->family == 0) {
		*wild = true;
	} else {
		return -EINVAL;
	}
	return 0;
}

static inline uint8_t
sf_ls_first(const struct sf_etcp *et, uint16_t port)
{
	return __atomic_load_n(&et->et_by_port[port], __ATOMIC_ACQUIRE);
}

static inline uint8_t
sf_ls_next(const struct sf_listener *ls)
{
	return __atomic_load_n(&ls->ls_next, __ATOMIC_ACQUIRE);
}

/*
 * A CLOSING slot is free again once one grace period has passed since
 * its removal and nothing counts against it. The grace period: every
 * worker has reported a quiescent state (the top of a poll) after the
 * removal, so no worker is still in a poll that found the listener
 * before it was unlinked, and each has read the new et_ls_gen (its
 * report reads the RCU token with acquire ordering, after we moved the
 * generation). The counts: the requests, queued connections and
 * connections on their way to an application context that the workers'
 * purges and the application contexts give back, and the live
 * connections. A purge still running when the counts reach zero touches
 * nothing of the slot any more. Control thread, under et_lock.
 */
static void
sf_listener_reap(struct sf_etcp *et, struct sf_listener *ls)
{
	uint32_t live = 0;
	unsigned int i;

	if (ls->ls_state != SF_LS_CLOSING)
		return;
	if (ls->ls_rcu_stage == 0) {
		if (rte_rcu_qsbr_check(et->et_qsbr, ls->ls_rcu_token,
				false) != 1)
			return;
		ls->ls_rcu_stage = 1;
	}
	for (i = 0; i < et->et_nb_workers; i++)
		live += __atomic_load_n(&et->et_wt[i]->wt_lconns[ls->ls_id],
			__ATOMIC_ACQUIRE);
	if (live != 0 || __atomic_load_n(&ls->ls_synq, __ATOMIC_ACQUIRE) != 0 ||
	    __atomic_load_n(&ls->ls_acceptq, __ATOMIC_ACQUIRE) != 0)
		return;
	/* Nobody counts against it now: its counters start again. */
	for (i = 0; i < et->et_nb_stats; i++)
		memset(et->et_stats[i]->st_lcnt[ls->ls_id], 0,
			sizeof(et->et_stats[i]->st_lcnt[0]));
	__atomic_store_n(&ls->ls_state, SF_LS_FREE, __ATOMIC_RELEASE);
}

int
sf_ltab_listen(struct sf_etcp *et, const struct sf_listener_params *p)
{
	struct sf_listener *ls = NULL, *o;
	uint32_t laddr[4];
	uint8_t family, i;
	unsigned int id;
	bool wild;
	int ret;

	if (p == NULL || !sf_listener_params_ok(p) ||
	    sf_listener_key(&p->addr, &family, laddr, &wild) != 0)
		return -EINVAL;
	rte_spinlock_lock(&et->et_lock);
	/*
	 * Like bind(): one listener per address and port. Wildcards of both
	 * families overlap an any-family wildcard, as 0.0.0.0:80 and [::]:80
	 * collide on Linux unless IPV6_V6ONLY is set.
	 */
	ret = -EEXIST;
	for (i = et->et_by_port[p->port]; i != 0; i = o->ls_next) {
		o = &et->et_listeners[i - 1];
		if (sf_listener_same_addr(o, family, laddr))
			goto out;
		if (wild && o->ls_wild && (family == 0 || o->ls_family == 0))
			goto out;
	}
	for (id = 0; id < et->et_nb_listeners && ls == NULL; id++) {
		sf_listener_reap(et, &et->et_listeners[id]);
		if (et->et_listeners[id].ls_state == SF_LS_FREE)
			ls = &et->et_listeners[id];
	}
	ret = -ENOSPC;
	if (ls == NULL) {
		if (et->et_nb_listeners >= SF_MAX_LISTENERS)
			goto out;
		ls = &et->et_listeners[et->et_nb_listeners];
	}
	memset(ls, 0, sizeof(*ls));
	ls->ls_p = *p;
	/* listen(2): "silently capped" at somaxconn. */
	ls->ls_p.backlog = RTE_MIN(p->backlog, et->et_somaxconn);
	ls->ls_id = (uint16_t)(ls - et->et_listeners);
	ls->ls_family = family;
	memcpy(ls->ls_laddr, laddr, sizeof(laddr));
	ls->ls_wild = wild;
	ls->ls_state = SF_LS_ACTIVE;
	ls->ls_next = et->et_by_port[p->port];
	if (ls->ls_id >= et->et_nb_listeners)
		__atomic_store_n(&et->et_nb_listeners, ls->ls_id + 1u,
			__ATOMIC_RELEASE);
	/* Published: every store above is visible to whoever sees this. */
	__atomic_store_n(&et->et_by_port[p->port], (uint8_t)(ls->ls_id + 1),
		__ATOMIC_RELEASE);
	ret = ls->ls_id;
out:
	rte_spinlock_unlock(&et->et_lock);
	return ret;
}

/* The active listener id, or NULL. */
static struct sf_listener *
sf_listener_active(const struct sf_etcp *et, unsigned int id)
{
	struct sf_listener *ls;

	if (id >= SF_MAX_LISTENERS)
		return NULL;
	ls = &et->et_listeners[id];
	return __atomic_load_n(&ls->ls_state, __ATOMIC_ACQUIRE) ==
		SF_LS_ACTIVE ? ls : NULL;
}

#define SF_LS_SET(ls, field, val) \
	__atomic_store_n(&(ls)->ls_p.field, (val), __ATOMIC_RELAXED)

int
sf_ltab_update(struct sf_etcp *et, unsigned int id,
		const struct sf_listener_params *p)
{
	struct sf_listener *ls;
	struct sf_listener_params q;
	int ret = 0;

	if (p == NULL)
		return -EINVAL;
	rte_spinlock_lock(&et->et_lock);
	ls = sf_listener_active(et, id);
	if (ls == NULL) {
		ret = -ENOENT;
		goto out;
	}
	q = *p;
	q.port = ls->ls_p.port;
	if (!sf_listener_params_ok(&q)) {
		ret = -EINVAL;
		goto out;
	}
	/*
	 * Whether the listener accepts (on_accept set) or is a proxy's
	 * decides, per third ACK, whether a connection holds an accept-queue
	 * place; switching it under a running third ACK would leak or
	 * double-free a place.
	 */
	if ((q.on_accept == NULL) != (ls->ls_p.on_accept == NULL) ||
	    q.proxy != ls->ls_p.proxy) {
		ret = -EBUSY;
		goto out;
	}
	SF_LS_SET(ls, backlog, RTE_MIN(q.backlog, et->et_somaxconn));
	SF_LS_SET(ls, syn_backlog, q.syn_backlog);
	SF_LS_SET(ls, synack_retries, q.synack_retries);
	SF_LS_SET(ls, synack_timeout_ms, q.synack_timeout_ms);
	SF_LS_SET(ls, defer_accept, q.defer_accept);
	SF_LS_SET(ls, abort_on_overflow, q.abort_on_overflow);
	SF_LS_SET(ls, syncookies, q.syncookies);
	SF_LS_SET(ls, mss, q.mss);
	SF_LS_SET(ls, window, q.window);
	SF_LS_SET(ls, wscale, q.wscale);
	SF_LS_SET(ls, timestamps, q.timestamps);
	SF_LS_SET(ls, sack, q.sack);
	SF_LS_SET(ls, ecn, q.ecn);
	SF_LS_SET(ls, keepalive_ms, q.keepalive_ms);
	SF_LS_SET(ls, keepalive_intvl_ms, q.keepalive_intvl_ms);
	SF_LS_SET(ls, keepalive_probes, q.keepalive_probes);
	SF_LS_SET(ls, idle_timeout_ms, q.idle_timeout_ms);
	SF_LS_SET(ls, pool, q.pool);
	SF_LS_SET(ls, proxy_protocol, q.proxy_protocol);
	SF_LS_SET(ls, arg, q.arg);
	SF_LS_SET(ls, on_close, q.on_close);
	SF_LS_SET(ls, on_data, q.on_data);
	SF_LS_SET(ls, on_accept, q.on_accept);
out:
	rte_spinlock_unlock(&et->et_lock);
	return ret;
}

int
sf_ltab_unlisten(struct sf_etcp *et, unsigned int id)
{
	struct sf_listener *ls;
	uint8_t *link;
	int ret = 0;

	rte_spinlock_lock(&et->et_lock);
	ls = sf_listener_active(et, id);
	if (ls == NULL) {
		ret = -ENOENT;
		goto out;
	}
	for (link = &et->et_by_port[ls->ls_p.port]; *link != 0;
	     link = &et->et_listeners[*link - 1].ls_next) {
		if (*link == id + 1) {
			__atomic_store_n(link, ls->ls_next, __ATOMIC_RELEASE);
			break;
		}
	}
	__atomic_store_n(&ls->ls_state, SF_LS_CLOSING, __ATOMIC_RELEASE);
	/* After the unlink: a worker that sees the move cannot find it. */
	__atomic_add_fetch(&et->et_ls_gen, 1, __ATOMIC_RELEASE);
	ls->ls_rcu_stage = 0;
	ls->ls_rcu_token = rte_rcu_qsbr_start(et->et_qsbr);
	sf_listener_reap(et, ls);
out:
	rte_spinlock_unlock(&et->et_lock);
	return ret;
}

int
sf_ltab_find(const struct sf_etcp *et, const struct sf_addr *addr,
		uint16_t port)
{
	const struct sf_listener *ls;
	uint32_t laddr[4];
	uint8_t family, i;
	bool wild;

	if (addr == NULL || sf_listener_key(addr, &family, laddr, &wild) != 0)
		return -ENOENT;
	for (i = sf_ls_first(et, port); i != 0; i = sf_ls_next(ls)) {
		ls = &et->et_listeners[i - 1];
		if (sf_listener_same_addr(ls, family, laddr))
			return ls->ls_id;
	}
	return -ENOENT;
}

struct sf_listener *
sf_listener_lookup(const struct sf_etcp *et, const struct sf_flow_key *k)
{
	struct sf_listener *ls, *fam = NULL, *any = NULL;
	uint8_t i;

	for (i = sf_ls_first(et, rte_be_to_cpu_16(k->fk_lport)); i != 0;
	     i = sf_ls_next(ls)) {
		ls = &et->et_listeners[i - 1];
		if (!ls->ls_wild) {
			if (sf_listener_same_addr(ls, k->fk_family,
					k->fk_laddr))
				return ls;
		} else if (ls->ls_family == k->fk_family) {
			fam = ls;
		} else if (ls->ls_family == 0) {
			any = ls;
		}
	}
	return fam != NULL ? fam : any;
}

char *
sf_listener_format(const struct sf_listener_params *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	switch (p->addr.family) {
	case AF_INET:
		inet_ntop(AF_INET, &p->addr.v4, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, p->port);
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, p->addr.v6, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, p->port);
		break;
	default:
		snprintf(buf, len, "*:%u", p->port);
		break;
	}
	return buf;
}

unsigned int
sf_ltab_count(const struct sf_etcp *et)
{
	return __atomic_load_n(&et->et_nb_listeners, __ATOMIC_ACQUIRE);
}

int
sf_ltab_get(const struct sf_etcp *et, unsigned int id,
		struct sf_listener_params *out)
{
	const struct sf_listener *ls;

	if (out == NULL || id >= SF_MAX_LISTENERS)
		return -EINVAL;
	ls = sf_listener_active(et, id);
	if (ls == NULL)
		return -ENOENT;
	*out = ls->ls_p;
	return 0;
}

int
sf_ltab_state(const struct sf_etcp *et, unsigned int id,
		struct sf_listener_state *out)
{
	const struct sf_listener *ls;
	unsigned int i, c;

	if (out == NULL || id >= SF_MAX_LISTENERS)
		return -EINVAL;
	ls = sf_listener_active(et, id);
	if (ls == NULL)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->synq = __atomic_load_n(&ls->ls_synq, __ATOMIC_RELAXED);
	out->synq_max = __atomic_load_n(&ls->ls_synq_max, __ATOMIC_RELAXED);
	out->acceptq = __atomic_load_n(&ls->ls_acceptq, __ATOMIC_RELAXED);
	for (i = 0; i < et->et_nb_workers; i++) {
		const struct sf_wtcp *wt = et->et_wt[i];

		if (__atomic_load_n(&wt->wt_ck_sent[id], __ATOMIC_RELAXED) &&
		    __atomic_load_n(&wt->wt_net.nt_now, __ATOMIC_RELAXED) -
		    __atomic_load_n(&wt->wt_ck_last[id], __ATOMIC_RELAXED) <
		    SF_COOKIE_RECENT_MS)
			out->cookie_lcores++;
	}
	for (i = 0; i < et->et_nb_stats; i++)
		for (c = 0; c < SF_LCNT_MAX; c++)
			out->cnt[c] += sf_stats_lget(et->et_stats[i],
				(uint16_t)id, (enum sf_lcounter)c);
	return 0;
}

int
sf_ltab_init(struct sf_etcp *et, int socket)
{
	rte_spinlock_init(&et->et_lock);
	et->et_listeners = rte_zmalloc_socket("sf_listeners",
			sizeof(struct sf_listener) * SF_MAX_LISTENERS,
			RTE_CACHE_LINE_SIZE, socket);
	et->et_by_port = rte_zmalloc_socket("sf_listen_ports", 65536, 0,
			socket);
	if (et->et_listeners == NULL || et->et_by_port == NULL) {
		sf_ltab_fini(et);
		return -ENOMEM;
	}
	return 0;
}

void
sf_ltab_fini(struct sf_etcp *et)
{
	rte_free(et->et_listeners);
	rte_free(et->et_by_port);
	et->et_listeners = NULL;
	et->et_by_port = NULL;
}
