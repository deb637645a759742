/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Application contexts: lcores that run on_accept and on_close off the
 * workers. A worker owns its connections to the end; it hands each one
 * it establishes to one application context (chosen by the flow's hash,
 * so a connection's events always reach the same context, in order) and
 * tells that context when the connection closes. The application context
 * asks back for closes and resets. Two rings per (worker, application)
 * pair, each with one producer and one consumer:
 *
 *   worker w --accept ring [w][a]: ACCEPT, CLOSE--> application a
 *   worker w <--command ring [a][w]: CLOSE, RESET-- application a
 *
 * The application context never reads a connection: what on_accept is
 * told travels in the message. The handle it gets is the connection's
 * address, with the slot's generation remembered on the application side
 * (ac_gens); a close or reset carries that generation, and the worker
 * applies it only if the slot still holds that connection, so a command
 * that crosses the connection's end never hits the slot's next tenant.
 *
 * The accept queue stays exact across all lcores: the worker takes a
 * place in the listener's accept queue (one shared counter, taken with
 * compare-and-swap) before it establishes the connection, and the
 * application context gives it back when it has run on_accept, as
 * accept() does. The backlog therefore bounds the connections in the
 * accept rings, as it bounds Linux's accept queue.
 */

#include <errno.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "sf_app_pvt.h"
#include "sf_ring.h"

/* Messages taken from one ring per poll. */
#define SF_APP_BURST 16

RTE_DEFINE_PER_LCORE(struct sf_app_ctx *, sf_app_cur);

static inline unsigned int
sf_app_conn_cap(const struct sf_apps *ap)
{
	return ap->ap_et->et_wt[0]->wt_conntab.ft_cap;
}

int
sf_apps_init(struct sf_apps *ap, struct sf_etcp *et, unsigned int nb_apps,
		unsigned int first_idx, unsigned int ring_size, int socket)
{
	unsigned int nw = et->et_nb_workers, na = nb_apps, w, a;

	RTE_BUILD_BUG_ON(sizeof(struct sf_app_msg) % 4 != 0);
	/* sf_ring_drain() holds one element on its stack. */
	RTE_BUILD_BUG_ON(sizeof(struct sf_app_msg) > SF_RING_ELEM_MAX);
	RTE_BUILD_BUG_ON(sizeof(struct sf_app_cmd) != 16);
	memset(ap, 0, sizeof(*ap));
	ap->ap_nb_workers = nw;
	ap->ap_nb_apps = na;
	ap->ap_et = et;
	if (na == 0)
		return 0;
	ap->ap_ctx = rte_zmalloc_socket("sf_apps", sizeof(*ap->ap_ctx) * na,
			RTE_CACHE_LINE_SIZE, socket);
	ap->ap_w = rte_zmalloc_socket("sf_wapps", sizeof(*ap->ap_w) * nw,
			RTE_CACHE_LINE_SIZE, socket);
	ap->ap_acc_r = rte_zmalloc_socket("sf_acc_r",
			sizeof(struct rte_ring *) * nw * na, 0, socket);
	ap->ap_cmd_r = rte_zmalloc_socket("sf_cmd_r",
			sizeof(struct rte_ring *) * nw * na, 0, socket);
	if (ap->ap_ctx == NULL || ap->ap_w == NULL || ap->ap_acc_r == NULL ||
	    ap->ap_cmd_r == NULL)
		return -ENOMEM;
	for (w = 0; w < nw; w++) {
		ap->ap_w[w].wa_apps = ap;
		ap->ap_w[w].wa_wt = et->et_wt[w];
		ap->ap_w[w].wa_idx = w;
	}
	for (a = 0; a < na; a++) {
		struct sf_app_ctx *ac = &ap->ap_ctx[a];

		ac->ac_apps = ap;
		ac->ac_idx = first_idx + a;
		ac->ac_lcore = LCORE_ID_ANY;
		ac->ac_acc = rte_zmalloc_socket("sf_app_acc",
				sizeof(struct rte_ring *) * nw, 0, socket);
		ac->ac_cmd = rte_zmalloc_socket("sf_app_cmd",
				sizeof(struct rte_ring *) * nw, 0, socket);
		ac->ac_gens = rte_zmalloc_socket("sf_app_gens",
				sizeof(uint32_t) * nw * sf_app_conn_cap(ap),
				RTE_CACHE_LINE_SIZE, socket);
		if (ac->ac_acc == NULL || ac->ac_cmd == NULL ||
		    ac->ac_gens == NULL)
			return -ENOMEM;
		for (w = 0; w < nw; w++) {
			struct rte_ring *acc, *cmd;

			acc = sf_ring_create("acc", w, a, ring_size,
				sizeof(struct sf_app_msg), socket);
			cmd = sf_ring_create("cmd", a, w, ring_size,
				sizeof(struct sf_app_cmd), socket);
			ap->ap_acc_r[w * na + a] = acc;
			ap->ap_cmd_r[a * nw + w] = cmd;
			if (acc == NULL || cmd == NULL)
				return -ENOMEM;
			ap->ap_w[w].wa_acc[a] = acc;
			ap->ap_w[w].wa_cmd[a] = cmd;
			ac->ac_acc[w] = acc;
			ac->ac_cmd[w] = cmd;
		}
	}
	return 0;
}

/* An accept-ring message left over: its data mbuf back to the pool. */
static void
sf_app_drop_msg(void *elem)
{
	const struct sf_app_msg *msg = elem;

	if (msg->am_data != NULL)
		rte_pktmbuf_free(msg->am_data);
}

/* Data mbufs waiting in accept rings go back to their pool. */
void
sf_apps_drain(struct sf_apps *ap)
{
	unsigned int i, n = ap->ap_nb_workers * ap->ap_nb_apps;

	for (i = 0; ap->ap_acc_r != NULL && i < n; i++)
		sf_ring_drain(ap->ap_acc_r[i], sizeof(struct sf_app_msg),
			sf_app_drop_msg);
}

void
sf_apps_fini(struct sf_apps *ap)
{
	unsigned int i, n = ap->ap_nb_workers * ap->ap_nb_apps;

	/* sf_apps_drain() has emptied the rings. */
	sf_ring_matrix_free(ap->ap_acc_r, n);
	sf_ring_matrix_free(ap->ap_cmd_r, n);
	for (i = 0; ap->ap_ctx != NULL && i < ap->ap_nb_apps; i++) {
		struct sf_app_ctx *ac = &ap->ap_ctx[i];

		rte_free(ac->ac_acc);
		rte_free(ac->ac_cmd);
		rte_free(ac->ac_gens);
	}
	rte_free(ap->ap_ctx);
	rte_free(ap->ap_w);
	ap->ap_ctx = NULL;
	ap->ap_w = NULL;
	ap->ap_acc_r = ap->ap_cmd_r = NULL;
}

/* By hash: every event of a flow reaches one context, in order. */
static inline uint8_t
sf_app_of(const struct sf_wapp *wa, uint32_t hash)
{
	return (uint8_t)(((uint64_t)hash * wa->wa_apps->ap_nb_apps) >> 32);
}

/*
 * Worker side (struct sf_conn_ops): is there room in the accept ring the
 * flow's connection would go to? Only this worker fills the ring, so
 * room seen here is still there at the hand-off.
 */
static bool
sf_app_co_room(struct sf_wtcp *wt, uint32_t hash)
{
	const struct sf_wapp *wa = wt->wt_up;

	return rte_ring_free_count(wa->wa_acc[sf_app_of(wa, hash)]) != 0;
}

/* Worker side: hand a new connection to its application context. */
static int
sf_app_co_accept(struct sf_conn *c, uint32_t hash, sf_on_accept_t on_accept,
		struct rte_mbuf *data, const struct sf_conn_info *ci)
{
	const struct sf_wapp *wa = c->cn_wt->wt_up;
	struct sf_app_msg msg;

	c->cn_app = sf_app_of(wa, hash);
	msg.am_ev = SF_APP_EV_ACCEPT;
	msg.am_why = 0;
	msg.am_listener = c->cn_listener;
	msg.am_gen = c->cn_gen;
	msg.am_conn = c;
	msg.am_data = data;
	msg.am_on_accept = on_accept;
	msg.am_on_close = c->cn_on_close;
	msg.am_arg = c->cn_arg;
	msg.am_ci = *ci;
	if (rte_ring_sp_enqueue_elem(wa->wa_acc[c->cn_app], &msg,
			sizeof(msg)) != 0)
		return -ENOBUFS;
	sf_count(&c->cn_wt->wt_net, SF_CNT_app_handoffs);
	return 0;
}

/* Worker side: tell the application context the connection closed. */
static int
sf_app_co_close(struct sf_conn *c, enum sf_close_reason why)
{
	const struct sf_wapp *wa = c->cn_wt->wt_up;
	struct sf_app_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.am_ev = SF_APP_EV_CLOSE;
	msg.am_why = (uint8_t)why;
	msg.am_listener = c->cn_listener;
	msg.am_gen = c->cn_gen;
	msg.am_conn = c;
	msg.am_on_close = c->cn_on_close;
	msg.am_arg = c->cn_arg;
	if (rte_ring_sp_enqueue_elem(wa->wa_acc[c->cn_app], &msg,
			sizeof(msg)) != 0) {
		sf_count(&c->cn_wt->wt_net, SF_CNT_app_events_lost);
		return -ENOBUFS;
	}
	sf_count(&c->cn_wt->wt_net, SF_CNT_app_events);
	return 0;
}

/*
 * Worker side: new bytes of an accepted connection follow its ACCEPT on
 * the same ring, in an mbuf cut down to them, which the ring then owns.
 * A full ring hands nothing up: the worker drops the segment unanswered
 * and the peer sends the bytes again.
 */
static int
sf_app_co_data(struct sf_conn *c, struct rte_mbuf *m, const uint8_t *data,
		uint32_t len)
{
	const struct sf_wapp *wa = c->cn_wt->wt_up;
	struct rte_ring *r = wa->wa_acc[c->cn_app];
	struct sf_app_msg msg;

	/* Only this worker fills the ring: room seen now is there below. */
	if (rte_ring_free_count(r) == 0)
		return -ENOBUFS;
	rte_pktmbuf_adj(m, (uint16_t)(data - rte_pktmbuf_mtod(m,
		const uint8_t *)));
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - len));
	memset(&msg, 0, sizeof(msg));
	msg.am_ev = SF_APP_EV_DATA;
	msg.am_listener = c->cn_listener;
	msg.am_gen = c->cn_gen;
	msg.am_conn = c;
	msg.am_data = m;
	msg.am_on_data = c->cn_on_data;
	msg.am_arg = c->cn_arg;
	RTE_VERIFY(rte_ring_sp_enqueue_elem(r, &msg, sizeof(msg)) == 0);
	return 1;
}

static const struct sf_conn_ops sf_app_conn_ops = {
	.co_deferred = true,
	.co_room = sf_app_co_room,
	.co_accept = sf_app_co_accept,
	.co_data = sf_app_co_data,
	.co_close = sf_app_co_close,
};

void
sf_apps_attach(struct sf_apps *ap, unsigned int i)
{
	struct sf_wtcp *wt = ap->ap_w[i].wa_wt;

	wt->wt_up = &ap->ap_w[i];
	wt->wt_conn_ops = &sf_app_conn_ops;
}

/* Which worker's slot c is, from its address alone (never from *c). */
static int
sf_app_slot(const struct sf_apps *ap, const struct sf_conn *c,
		unsigned int *wi, uint32_t *id)
{
	unsigned int i;

	for (i = 0; i < ap->ap_nb_workers; i++) {
		const struct sf_wtcp *wt = ap->ap_et->et_wt[i];

		if (c >= wt->wt_conn && c < wt->wt_conn + wt->wt_conntab.ft_cap) {
			*wi = i;
			*id = (uint32_t)(c - wt->wt_conn);
			return 0;
		}
	}
	return -EINVAL;
}

/* Application side: a close or reset, sent to the owning worker. */
static int
sf_app_remote(struct sf_app_ctx *a, struct sf_conn *c, enum sf_app_cmd_op op)
{
	struct sf_apps *ap = a->ac_apps;
	struct sf_app_cmd cmd;
	unsigned int wi;
	uint32_t id, *gen;

	if (sf_app_slot(ap, c, &wi, &id) != 0)
		return -EPERM;
	gen = &a->ac_gens[(size_t)wi * sf_app_conn_cap(ap) + id];
	if (*gen == 0)
		return -ENOTCONN;
	cmd.ac_conn = c;
	cmd.ac_gen = *gen;
	cmd.ac_op = op;
	if (rte_ring_sp_enqueue_elem(a->ac_cmd[wi], &cmd,
			sizeof(cmd)) != 0) {
		sf_stats_add(&a->ac_st, SF_CNT_app_cmds_ring_full, 1);
		return -ENOBUFS;
	}
	/* A reset ends the handle at once, as on the worker. */
	if (op == SF_APP_CMD_RESET)
		*gen = 0;
	return 0;
}

/*
 * The public close and reset (sf_tcp.h): on the owning worker, at once;
 * on an application context, over its command ring to that worker.
 */
int
sf_conn_close(struct sf_conn *c)
{
	struct sf_app_ctx *a = RTE_PER_LCORE(sf_app_cur);

	if (a != NULL)
		return sf_app_remote(a, c, SF_APP_CMD_CLOSE);
	return sf_conn_fin_local(c, false);
}

int
sf_conn_reset(struct sf_conn *c)
{
	struct sf_app_ctx *a = RTE_PER_LCORE(sf_app_cur);

	if (a != NULL)
		return sf_app_remote(a, c, SF_APP_CMD_RESET);
	return sf_conn_reset_local(c);
}

/*
 * Sends and the half-close: on the owning worker, at once. From an
 * application context they would travel to the worker with their mbufs
 * over the command ring, with the send budget kept on the application
 * side; that is not built yet (docs/datapath.md), and says so.
 */
int
sf_conn_send(struct sf_conn *c, const void *buf, uint32_t len)
{
	if (RTE_PER_LCORE(sf_app_cur) != NULL)
		return -ENOTSUP;
	return sf_snd_copy(c, buf, len);
}

int
sf_conn_send_mbuf(struct sf_conn *c, struct rte_mbuf *m)
{
	if (RTE_PER_LCORE(sf_app_cur) != NULL)
		return -ENOTSUP;
	return sf_snd_mbuf(c, m);
}

int
sf_conn_shutdown(struct sf_conn *c)
{
	if (RTE_PER_LCORE(sf_app_cur) != NULL)
		return -ENOTSUP;
	return sf_conn_fin_local(c, true);
}

/* Worker side: the closes and resets application contexts sent. */
unsigned int
sf_app_cmd_poll(struct sf_wapp *wa)
{
	struct sf_app_cmd cmd[SF_APP_BURST];
	struct sf_net *nt = &wa->wa_wt->wt_net;
	unsigned int a, i, n, total = 0;

	for (a = 0; a < wa->wa_apps->ap_nb_apps; a++) {
		n = rte_ring_sc_dequeue_burst_elem(wa->wa_cmd[a], cmd,
				sizeof(cmd[0]), SF_APP_BURST, NULL);
		for (i = 0; i < n; i++) {
			struct sf_conn *c = cmd[i].ac_conn;

			if (sf_conn_live(c, cmd[i].ac_gen) != 0) {
				sf_count(nt, SF_CNT_app_cmds_stale);
				continue;
			}
			sf_count(nt, SF_CNT_app_cmds);
			if (cmd[i].ac_op == SF_APP_CMD_RESET)
				sf_conn_reset_local(c);
			else
				sf_conn_fin_local(c, false);
		}
		total += n;
	}
	return total;
}

/* One message of an accept ring, on application context a. */
static void
sf_app_event(struct sf_app_ctx *a, unsigned int wi, struct sf_app_msg *m)
{
	struct sf_apps *ap = a->ac_apps;
	struct sf_listener *ls = &ap->ap_et->et_listeners[m->am_listener];
	uint32_t *gen;
	uint32_t id;

	id = (uint32_t)(m->am_conn - ap->ap_et->et_wt[wi]->wt_conn);
	gen = &a->ac_gens[(size_t)wi * sf_app_conn_cap(ap) + id];
	if (m->am_ev == SF_APP_EV_DATA) {
		/* Held here still (not reset meanwhile): on_data; then the
		 * mbuf goes, unless on_data took a reference to it. */
		if (*gen == m->am_gen) {
			const struct sf_conn_data d = {
				.data = rte_pktmbuf_mtod(m->am_data,
					const uint8_t *),
				.len = m->am_data->data_len,
				.m = m->am_data,
			};

			m->am_on_data(m->am_conn, &d, m->am_arg);
		}
		rte_pktmbuf_free(m->am_data);
		return;
	}
	if (m->am_ev == SF_APP_EV_CLOSE) {
		if (*gen != m->am_gen)
			return;    /* reset by us meanwhile: no callback */
		if (m->am_on_close != NULL)
			m->am_on_close(m->am_conn,
				(enum sf_close_reason)m->am_why, m->am_arg);
		if (m->am_why != SF_CLOSE_PEER_FIN)
			*gen = 0;
		return;
	}
	*gen = m->am_gen;
	/*
	 * The listener was removed while the connection waited in the ring:
	 * as a listening socket's close() resets its accept queue. The slot
	 * cannot be reused before we give its place back (sf_listen.c).
	 */
	/*
	 * When the reset cannot be sent (command ring full), the connection
	 * is accepted after all: the application owns it, nothing is lost.
	 */
	if (__atomic_load_n(&ls->ls_state, __ATOMIC_ACQUIRE) != SF_LS_ACTIVE &&
	    sf_app_remote(a, m->am_conn, SF_APP_CMD_RESET) == 0) {
		sf_stats_add(&a->ac_st, SF_CNT_accept_listener_gone, 1);
	} else {
		sf_stats_add(&a->ac_st, SF_CNT_accepted, 1);
		sf_stats_ladd(&a->ac_st, m->am_listener, SF_LCNT_accepted);
		m->am_on_accept(m->am_conn, &m->am_ci, m->am_arg);
	}
	if (m->am_data != NULL)
		rte_pktmbuf_free(m->am_data);
	/* accept() took it: its place in the accept queue is free. */
	__atomic_fetch_sub(&ls->ls_acceptq, 1, __ATOMIC_RELEASE);
}

unsigned int
sf_app_poll(struct sf_app_ctx *a)
{
	struct sf_app_msg msg[SF_APP_BURST];
	unsigned int w, i, n, total = 0;

	RTE_PER_LCORE(sf_app_cur) = a;
	if (unlikely(a->ac_lcore == LCORE_ID_ANY))
		a->ac_lcore = rte_lcore_id();
	for (w = 0; w < a->ac_apps->ap_nb_workers; w++) {
		n = rte_ring_sc_dequeue_burst_elem(a->ac_acc[w], msg,
				sizeof(msg[0]), SF_APP_BURST, NULL);
		for (i = 0; i < n; i++)
			sf_app_event(a, w, &msg[i]);
		total += n;
	}
	return total;
}
