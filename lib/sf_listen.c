/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The listener table: (address or wildcard, port) -> listener, shared by
 * every worker and read-only while they run (XXX(#5): run-time changes
 * under RCU). A 64 Ki array maps the port to its first listener; the few
 * listeners of one port are chained, and the lookup prefers an exact
 * address over a family wildcard over an any-family wildcard, as
 * Linux's compute_score() prefers a bound address to INADDR_ANY.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "sf_engine_pvt.h"

#define SF_LCOUNTER_NAME(name, desc) #name,
static const char *const sf_lcounter_names[SF_LCNT_MAX] = {
	SF_LCOUNTER_LIST(SF_LCOUNTER_NAME)
};

const char *
sf_lcounter_name(enum sf_lcounter c)
{
	return (unsigned int)c < SF_LCNT_MAX ? sf_lcounter_names[c] : NULL;
}

/* Linux's TCP_MIN_MSS and the largest MSS an IPv4 packet can carry. */
#define SF_MSS_MIN 88
#define SF_MSS_MAX 65495
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
}

static bool
sf_listener_same_addr(const struct sf_listener *ls, uint8_t family,
		const uint32_t *a)
{
	return ls->ls_family == family &&
		memcmp(ls->ls_laddr, a, sizeof(ls->ls_laddr)) == 0;
}

int
sf_engine_listen(struct sf_engine *eng, const struct sf_listener_params *p)
{
	static const uint8_t zero16[16];
	struct sf_etcp *et;
	struct sf_listener *ls, *o;
	uint32_t laddr[4] = { 0 };
	uint8_t family, i;
	bool wild;

	if (eng == NULL || p == NULL || p->port == 0 ||
	    p->syn_backlog == 0 || p->synack_timeout_ms == 0 ||
	    p->synack_timeout_ms > SF_RTO_MAX_MS ||
	    p->wscale > SF_TCP_MAX_WSCALE || p->window == 0 ||
	    p->syncookies > 2 || p->defer_accept > SF_DEFER_MAX ||
	    (p->mss != 0 && (p->mss < SF_MSS_MIN || p->mss > SF_MSS_MAX)))
		return -EINVAL;
	et = &eng->en_tcp;
	family = p->addr.family;
	if (family == AF_INET) {
		laddr[0] = p->addr.v4;
		wild = p->addr.v4 == 0;
		if (!wild && sf_v4_is_martian_src(p->addr.v4))
			return -EINVAL;
	} else if (family == AF_INET6) {
		memcpy(laddr, p->addr.v6, 16);
		wild = memcmp(p->addr.v6, zero16, 16) == 0;
		if (!wild && sf_v6_is_martian_src(p->addr.v6))
			return -EINVAL;
	} else if (family == 0) {
		wild = true;
	} else {
		return -EINVAL;
	}
	/*
	 * Like bind(): one listener per address and port. Wildcards of both
	 * families overlap an any-family wildcard, as 0.0.0.0:80 and [::]:80
	 * collide on Linux unless IPV6_V6ONLY is set.
	 */
	for (i = et->et_by_port[p->port]; i != 0; i = o->ls_next) {
		o = &et->et_listeners[i - 1];
		if (sf_listener_same_addr(o, family, laddr))
			return -EEXIST;
		if (wild && o->ls_wild && (family == 0 || o->ls_family == 0))
			return -EEXIST;
	}
	if (et->et_nb_listeners >= SF_MAX_LISTENERS)
		return -ENOSPC;
	ls = &et->et_listeners[et->et_nb_listeners];
	memset(ls, 0, sizeof(*ls));
	ls->ls_p = *p;
	/* listen(2): "silently capped" at somaxconn. */
	ls->ls_p.backlog = RTE_MIN(p->backlog, et->et_somaxconn);
	ls->ls_id = (uint16_t)et->et_nb_listeners;
	ls->ls_family = family;
	memcpy(ls->ls_laddr, laddr, sizeof(laddr));
	ls->ls_wild = wild;
	ls->ls_next = et->et_by_port[p->port];
	et->et_by_port[p->port] = (uint8_t)(ls->ls_id + 1);
	et->et_nb_listeners++;
	return ls->ls_id;
}

struct sf_listener *
sf_listener_lookup(const struct sf_etcp *et, const struct sf_flow_key *k)
{
	struct sf_listener *ls, *fam = NULL, *any = NULL;
	uint8_t i;

	for (i = et->et_by_port[rte_be_to_cpu_16(k->fk_lport)]; i != 0;
	     i = ls->ls_next) {
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
sf_engine_listener_count(const struct sf_engine *eng)
{
	return eng->en_tcp.et_nb_listeners;
}

int
sf_engine_listener_get(const struct sf_engine *eng, unsigned int id,
		struct sf_listener_params *out)
{
	if (eng == NULL || out == NULL || id >= eng->en_tcp.et_nb_listeners)
		return -EINVAL;
	*out = eng->en_tcp.et_listeners[id].ls_p;
	return 0;
}

int
sf_engine_listener_state(const struct sf_engine *eng, unsigned int id,
		struct sf_listener_state *out)
{
	const struct sf_listener *ls;
	unsigned int i, c;

	if (eng == NULL || out == NULL || id >= eng->en_tcp.et_nb_listeners)
		return -EINVAL;
	ls = &eng->en_tcp.et_listeners[id];
	memset(out, 0, sizeof(*out));
	out->synq = __atomic_load_n(&ls->ls_synq, __ATOMIC_RELAXED);
	out->synq_max = __atomic_load_n(&ls->ls_synq_max, __ATOMIC_RELAXED);
	out->acceptq = __atomic_load_n(&ls->ls_acceptq, __ATOMIC_RELAXED);
	for (i = 0; i < eng->en_nb_workers; i++) {
		const struct sf_wtcp *wt = &eng->en_workers[i].wk_tcp;

		if (__atomic_load_n(&wt->wt_ck_sent[id], __ATOMIC_RELAXED) &&
		    __atomic_load_n(&wt->wt_now, __ATOMIC_RELAXED) -
		    __atomic_load_n(&wt->wt_ck_last[id], __ATOMIC_RELAXED) <
		    SF_COOKIE_RECENT_MS)
			out->cookie_lcores++;
	}
	for (i = 0; i < eng->en_nb_workers; i++)
		for (c = 0; c < SF_LCNT_MAX; c++)
			out->cnt[c] += __atomic_load_n(
				&eng->en_workers[i].wk_tcp.wt_lcnt[id][c],
				__ATOMIC_RELAXED);
	return 0;
}
