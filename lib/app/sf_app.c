/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Application contexts: lcores that run on_accept and on_close off the
 * workers. A worker owns its connections to the end; it hands each one
 * it establishes to one application context (chosen by the flow's hash,
 * so a connection's events always reach the same context, in order) and
 * tells that context when the connection closes. The application context
 * asks back for closes, resets, sends and half-closes. Two rings per
 * (worker, application) pair, each with one producer and one consumer:
 *
 *   worker w --accept ring [w][a]: ACCEPT, DATA, CLOSE--> application a
 *   worker w <--command ring [a][w]: CLOSE, RESET, SEND, SHUTDOWN-- app a
 *
 * The application context never reads a connection: what on_accept is
 * told travels in the message. The handle it gets is the connection's
 * address, with the slot's generation remembered on the application side
 * (ac_slots); a command carries that generation, and the worker
 * applies it only if the slot still holds that connection, so a command
 * that crosses the connection's end never hits the slot's next tenant.
 *
 * Sends travel as mbuf chains in SEND commands, and the send budget is
 * kept on the application side, so that the worker takes every send it
 * is sent and none is lost on the way: the application context adds up
 * what it sent per slot (sl_sent) in the budget's units (each mbuf
 * costs max(its bytes, the MSS), the charge it writes in the mbuf for
 * the worker to keep), the worker adds up the charges its send queue
 * gave back once acknowledged (wt_snd_freed, one word per slot that
 * only it writes), and a send fits as on the worker: while sent less
 * freed is below sndbuf. The worker's own pool share
 * for send queues (wt_snd_max) is checked here too, against the count
 * the worker keeps, so it can be passed by at most what is in the
 * rings. A send refused for want of room marks the slot; each poll the
 * context looks at its marked slots and runs on_writable for those
 * whose queue fell to half the budget, as a worker does for its own.
 * Nothing there depends on a message getting through.
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
	RTE_BUILD_BUG_ON(sizeof(struct sf_app_cmd) != 24);
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
	ap->ap_freed = rte_zmalloc_socket("sf_app_freed",
			sizeof(uint32_t *) * nw, 0, socket);
	if (ap->ap_ctx == NULL || ap->ap_w == NULL || ap->ap_acc_r == NULL ||
	    ap->ap_cmd_r == NULL || ap->ap_freed == NULL)
		return -ENOMEM;
	for (w = 0; w < nw; w++) {
		ap->ap_w[w].wa_apps = ap;
		ap->ap_w[w].wa_wt = et->et_wt[w];
		ap->ap_w[w].wa_idx = w;
		ap->ap_freed[w] = rte_zmalloc_socket("sf_app_freed",
				sizeof(uint32_t) * sf_app_conn_cap(ap),
				RTE_CACHE_LINE_SIZE, socket);
		if (ap->ap_freed[w] == NULL)
			return -ENOMEM;
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
		ac->ac_slots = rte_zmalloc_socket("sf_app_slots",
				sizeof(*ac->ac_slots) * nw * sf_app_conn_cap(ap),
				RTE_CACHE_LINE_SIZE, socket);
		ac->ac_blocked = rte_malloc_socket("sf_app_blocked",
				sizeof(uint32_t) * nw * sf_app_conn_cap(ap),
				RTE_CACHE_LINE_SIZE, socket);
		if (ac->ac_acc == NULL || ac->ac_cmd == NULL ||
		    ac->ac_slots == NULL || ac->ac_blocked == NULL)
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

/* A command left over: the chain a send carried back to its pool. */
static void
sf_app_drop_cmd(void *elem)
{
	const struct sf_app_cmd *cmd = elem;

	if (cmd->ac_m != NULL)
		rte_pktmbuf_free(cmd->ac_m);
}

/* Mbufs waiting in accept and command rings go back to their pool. */
void
sf_apps_drain(struct sf_apps *ap)
{
	unsigned int i, n = ap->ap_nb_workers * ap->ap_nb_apps;

	for (i = 0; ap->ap_acc_r != NULL && i < n; i++)
		sf_ring_drain(ap->ap_acc_r[i], sizeof(struct sf_app_msg),
			sf_app_drop_msg);
	for (i = 0; ap->ap_cmd_r != NULL && i < n; i++)
		sf_ring_drain(ap->ap_cmd_r[i], sizeof(struct sf_app_cmd),
			sf_app_drop_cmd);
}

/* The workers have let go of the rings and of ap_freed (the engine). */
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
		rte_free(ac->ac_slots);
		rte_free(ac->ac_blocked);
	}
	for (i = 0; ap->ap_freed != NULL && i < ap->ap_nb_workers; i++) {
		rte_free(ap->ap_freed[i]);
	}
	rte_free(ap->ap_freed);
	rte_free(ap->ap_ctx);
	rte_free(ap->ap_w);
	ap->ap_freed = NULL;
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
	/* Published with the message (the ring's release). */
	__atomic_store_n(&wa->wa_apps->ap_freed[wa->wa_idx][c->cn_id], 0,
		__ATOMIC_RELAXED);
	msg.am_ev = SF_APP_EV_ACCEPT;
	msg.am_why = 0;
	msg.am_listener = c->cn_listener;
	msg.am_gen = c->cn_gen;
	msg.am_conn = c;
	msg.am_data = data;
	msg.am_on_accept = on_accept;
	msg.am_on_close = c->cn_on_close;
	msg.am_on_data = NULL;
	msg.am_on_writable = c->cn_on_writable;
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
	wt->wt_snd_freed = ap->ap_freed[i];
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

/*
 * The slot record of handle c on context a (*idx: worker * capacity +
 * id), or NULL with *err: -EPERM (not a connection), -ENOTCONN (not
 * held here, or ended).
 */
static struct sf_app_slot *
sf_app_held(struct sf_app_ctx *a, const struct sf_conn *c, uint32_t *idx,
		unsigned int *wi, int *err)
{
	struct sf_apps *ap = a->ac_apps;
	struct sf_app_slot *sl;
	uint32_t id;

	if (sf_app_slot(ap, c, wi, &id) != 0) {
		*err = -EPERM;
		return NULL;
	}
	*idx = *wi * sf_app_conn_cap(ap) + id;
	sl = &a->ac_slots[*idx];
	if (sl->sl_gen == 0) {
		*err = -ENOTCONN;
		return NULL;
	}
	return sl;
}

/* As sf_app_held(), for a send: -EPIPE after a shutdown or close here. */
static struct sf_app_slot *
sf_app_sender(struct sf_app_ctx *a, const struct sf_conn *c, uint32_t *idx,
		unsigned int *wi, int *err)
{
	struct sf_app_slot *sl = sf_app_held(a, c, idx, wi, err);

	if (sl != NULL && (sl->sl_flags & SF_APP_SL_SHUT)) {
		*err = -EPIPE;
		return NULL;
	}
	return sl;
}

/* A command for the owning worker; -ENOBUFS (counted): its ring is full. */
static int
sf_app_cmd_send(struct sf_app_ctx *a, unsigned int wi, struct sf_conn *c,
		const struct sf_app_slot *sl, enum sf_app_cmd_op op,
		struct rte_mbuf *m)
{
	struct sf_app_cmd cmd;

	cmd.ac_conn = c;
	cmd.ac_m = m;
	cmd.ac_gen = sl->sl_gen;
	cmd.ac_op = op;
	if (rte_ring_sp_enqueue_elem(a->ac_cmd[wi], &cmd,
			sizeof(cmd)) != 0) {
		sf_stats_add(&a->ac_st, SF_CNT_app_cmds_ring_full, 1);
		return -ENOBUFS;
	}
	return 0;
}

/* Application side: a close, reset or half-close for the owning worker. */
static int
sf_app_remote(struct sf_app_ctx *a, struct sf_conn *c, enum sf_app_cmd_op op)
{
	struct sf_app_slot *sl;
	unsigned int wi;
	uint32_t idx;
	int ret;

	sl = sf_app_held(a, c, &idx, &wi, &ret);
	if (sl == NULL)
		return ret;
	if (op == SF_APP_CMD_SHUTDOWN && (sl->sl_flags & SF_APP_SL_SHUT))
		return -EALREADY;
	ret = sf_app_cmd_send(a, wi, c, sl, op, NULL);
	if (ret != 0)
		return ret;
	sl->sl_flags |= SF_APP_SL_SHUT;
	/* A reset ends the handle at once, as on the worker. */
	if (op == SF_APP_CMD_RESET)
		sl->sl_gen = 0;
	return 0;
}

/*
 * Room in the send budget of slot idx (worker wi): sndbuf less the
 * charge sent and not yet given back by the worker.
 */
static uint32_t
sf_app_room(const struct sf_app_ctx *a, uint32_t idx, unsigned int wi,
		const struct sf_app_slot *sl)
{
	const struct sf_apps *ap = a->ac_apps;
	uint32_t sndbuf = ap->ap_et->et_sndbuf, freed, out;

	freed = __atomic_load_n(&ap->ap_freed[wi][idx % sf_app_conn_cap(ap)],
		__ATOMIC_ACQUIRE);
	out = sl->sl_sent - freed;
	return out >= sndbuf ? 0 : sndbuf - out;
}

/* A send was refused or cut short: on_writable is owed. */
static void
sf_app_block(struct sf_app_ctx *a, uint32_t idx, struct sf_app_slot *sl)
{
	sl->sl_flags |= SF_APP_SL_BLOCKED;
	if (!(sl->sl_flags & SF_APP_SL_LISTED)) {
		sl->sl_flags |= SF_APP_SL_LISTED;
		a->ac_blocked[a->ac_nb_blocked++] = idx;
	}
}

/*
 * Mbufs worker wi's send queues may still take: its share of the pool
 * less what they hold (read without a lock: the worker alone writes
 * it, and what is in the command rings is not counted yet).
 */
static uint32_t
sf_app_pool_room(const struct sf_app_ctx *a, unsigned int wi)
{
	const struct sf_wtcp *wt = a->ac_apps->ap_et->et_wt[wi];
	uint32_t held = __atomic_load_n(&wt->wt_snd_mbufs, __ATOMIC_RELAXED);

	return held >= wt->wt_snd_max ? 0 : wt->wt_snd_max - held;
}

/*
 * Application side of sf_conn_send(): the bytes copied into a chain of
 * mbufs from the worker's pool, of at most an MSS each (as the worker's
 * own copies), sent in one SEND command.
 */
static int
sf_app_send_copy(struct sf_app_ctx *a, struct sf_conn *c, const void *buf,
		uint32_t len)
{
	struct sf_app_slot *sl;
	struct rte_mbuf *head = NULL, *tail = NULL, *m;
	struct rte_mempool *mp;
	uint32_t idx, room, k, done = 0, segs = 0, pool_room, charged = 0;
	unsigned int wi;
	int ret;

	sl = sf_app_sender(a, c, &idx, &wi, &ret);
	if (sl == NULL)
		return ret;
	if (len == 0)
		return 0;
	room = sf_app_room(a, idx, wi, sl);
	if (room == 0) {
		sf_app_block(a, idx, sl);
		return -EAGAIN;
	}
	mp = a->ac_apps->ap_et->et_wt[wi]->wt_net.nt_pool;
	pool_room = sf_app_pool_room(a, wi);
	/* Mbufs while the budget is not spent (the last may pass it). */
	while (done < len && charged < room && segs < UINT16_MAX) {
		if (segs == pool_room) {
			sf_stats_add(&a->ac_st, SF_CNT_snd_pool_limit, 1);
			break;
		}
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL) {
			sf_stats_add(&a->ac_st, SF_CNT_snd_nombuf, 1);
			break;
		}
		k = RTE_MIN(len - done, RTE_MIN((uint32_t)sl->sl_mss,
			(uint32_t)rte_pktmbuf_tailroom(m)));
		if (k == 0) {
			rte_pktmbuf_free(m);
			break;
		}
		memcpy(rte_pktmbuf_append(m, (uint16_t)k),
			(const uint8_t *)buf + done, k);
		sf_seqm(m)->sm_charge = sl->sl_mss;
		charged += sl->sl_mss;
		if (head == NULL) {
			head = tail = m;
		} else {
			tail->next = m;
			tail = m;
			head->nb_segs++;
			head->pkt_len += k;
		}
		segs++;
		done += k;
	}
	if (done == 0) {
		rte_pktmbuf_free(head);
		/* As on the worker: on_writable follows a refusal. */
		sf_app_block(a, idx, sl);
		return -ENOBUFS;
	}
	ret = sf_app_cmd_send(a, wi, c, sl, SF_APP_CMD_SEND, head);
	if (ret != 0) {
		rte_pktmbuf_free(head);
		sf_app_block(a, idx, sl);
		return ret;
	}
	sl->sl_sent += charged;
	if (done < len)
		sf_app_block(a, idx, sl);
	return (int)done;
}

/* Application side of sf_conn_send_mbuf(): all of m, or nothing. */
static int
sf_app_send_mbuf(struct sf_app_ctx *a, struct sf_conn *c, struct rte_mbuf *m)
{
	struct sf_app_slot *sl;
	struct rte_mbuf *seg;
	uint32_t idx, cost = 0;
	unsigned int wi;
	int ret;

	sl = sf_app_sender(a, c, &idx, &wi, &ret);
	if (sl == NULL)
		return ret;
	if (m == NULL || rte_pktmbuf_pkt_len(m) == 0)
		return -EINVAL;
	/* Each segment's charge, as the worker's own sends count it. */
	for (seg = m; seg != NULL; seg = seg->next)
		if (seg->data_len != 0)
			cost += RTE_MAX((uint32_t)seg->data_len,
				(uint32_t)sl->sl_mss);
	if (cost > a->ac_apps->ap_et->et_sndbuf)
		return -EMSGSIZE;
	if (cost > sf_app_room(a, idx, wi, sl)) {
		sf_app_block(a, idx, sl);
		return -EAGAIN;
	}
	if (m->nb_segs > sf_app_pool_room(a, wi)) {
		sf_stats_add(&a->ac_st, SF_CNT_snd_pool_limit, 1);
		sf_app_block(a, idx, sl);
		return -ENOBUFS;
	}
	for (seg = m; seg != NULL; seg = seg->next)
		sf_seqm(seg)->sm_charge = (uint16_t)RTE_MAX(
			(uint32_t)seg->data_len, (uint32_t)sl->sl_mss);
	ret = sf_app_cmd_send(a, wi, c, sl, SF_APP_CMD_SEND, m);
	if (ret != 0) {
		sf_app_block(a, idx, sl);
		return ret;
	}
	sl->sl_sent += cost;
	return 0;
}

/*
 * The public close, reset, sends and half-close (sf_tcp.h): on the
 * owning worker, at once; on an application context, over its command
 * ring to that worker.
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

int
sf_conn_send(struct sf_conn *c, const void *buf, uint32_t len)
{
	struct sf_app_ctx *a = RTE_PER_LCORE(sf_app_cur);

	if (a != NULL)
		return sf_app_send_copy(a, c, buf, len);
	return sf_snd_copy(c, buf, len);
}

int
sf_conn_send_mbuf(struct sf_conn *c, struct rte_mbuf *m)
{
	struct sf_app_ctx *a = RTE_PER_LCORE(sf_app_cur);

	if (a != NULL)
		return sf_app_send_mbuf(a, c, m);
	return sf_snd_mbuf(c, m, false);
}

int
sf_conn_shutdown(struct sf_conn *c)
{
	struct sf_app_ctx *a = RTE_PER_LCORE(sf_app_cur);

	if (a != NULL)
		return sf_app_remote(a, c, SF_APP_CMD_SHUTDOWN);
	return sf_conn_fin_local(c, true);
}

/* Worker side: one command an application context sent. */
static void
sf_app_cmd_apply(struct sf_net *nt, const struct sf_app_cmd *cmd)
{
	struct sf_conn *c = cmd->ac_conn;

	if (sf_conn_live(c, cmd->ac_gen) != 0) {
		sf_count(nt, SF_CNT_app_cmds_stale);
		if (cmd->ac_m != NULL)
			rte_pktmbuf_free(cmd->ac_m);
		return;
	}
	sf_count(nt, SF_CNT_app_cmds);
	switch (cmd->ac_op) {
	case SF_APP_CMD_RESET:
		sf_conn_reset_local(c);
		break;
	case SF_APP_CMD_SEND:
		/* The budget was kept on the application side. */
		if (sf_snd_mbuf(c, cmd->ac_m, true) != 0) {
			sf_count(nt, SF_CNT_app_sends_dropped);
			rte_pktmbuf_free(cmd->ac_m);
		}
		break;
	case SF_APP_CMD_SHUTDOWN:
		sf_conn_fin_local(c, true);
		break;
	default:
		sf_conn_fin_local(c, false);
		break;
	}
}

/* Worker side: the commands application contexts sent. */
unsigned int
sf_app_cmd_poll(struct sf_wapp *wa)
{
	struct sf_app_cmd cmd[SF_APP_BURST];
	struct sf_net *nt = &wa->wa_wt->wt_net;
	unsigned int a, i, n, total = 0;

	for (a = 0; a < wa->wa_apps->ap_nb_apps; a++) {
		n = rte_ring_sc_dequeue_burst_elem(wa->wa_cmd[a], cmd,
				sizeof(cmd[0]), SF_APP_BURST, NULL);
		for (i = 0; i < n; i++)
			sf_app_cmd_apply(nt, &cmd[i]);
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
	struct sf_app_slot *sl;
	uint32_t id;

	id = (uint32_t)(m->am_conn - ap->ap_et->et_wt[wi]->wt_conn);
	sl = &a->ac_slots[(size_t)wi * sf_app_conn_cap(ap) + id];
	if (m->am_ev == SF_APP_EV_DATA) {
		/* Held here still (not reset meanwhile): on_data; then the
		 * mbuf goes, unless on_data took a reference to it. */
		if (sl->sl_gen == m->am_gen) {
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
		if (sl->sl_gen != m->am_gen)
			return;    /* reset by us meanwhile: no callback */
		if (m->am_on_close != NULL)
			m->am_on_close(m->am_conn,
				(enum sf_close_reason)m->am_why, m->am_arg);
		if (m->am_why != SF_CLOSE_PEER_FIN)
			sl->sl_gen = 0;
		return;
	}
	/* A new tenant; a listing of the slot's last one stays, unowed. */
	sl->sl_gen = m->am_gen;
	sl->sl_sent = 0;
	sl->sl_flags &= SF_APP_SL_LISTED;
	sl->sl_mss = m->am_ci.mss;
	sl->sl_on_writable = m->am_on_writable;
	sl->sl_arg = m->am_arg;
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

/*
 * The slots owed an on_writable whose queue fell to half the budget get
 * it; slots no longer owed one leave the list. Each listed slot is seen
 * once per poll (from the end, so that what the callbacks list again
 * waits for the next poll).
 */
static void
sf_app_writable_poll(struct sf_app_ctx *a)
{
	struct sf_apps *ap = a->ac_apps;
	uint32_t i = a->ac_nb_blocked, idx, cap = sf_app_conn_cap(ap);
	uint32_t half = ap->ap_et->et_sndbuf / 2;
	struct sf_app_slot *sl;
	bool owed;

	while (i-- > 0) {
		idx = a->ac_blocked[i];
		sl = &a->ac_slots[idx];
		owed = sl->sl_gen != 0 &&
			(sl->sl_flags & (SF_APP_SL_BLOCKED | SF_APP_SL_SHUT)) ==
			SF_APP_SL_BLOCKED;
		if (owed && ap->ap_et->et_sndbuf -
		    sf_app_room(a, idx, idx / cap, sl) > half)
			continue;
		a->ac_blocked[i] = a->ac_blocked[--a->ac_nb_blocked];
		sl->sl_flags &= ~(SF_APP_SL_LISTED | SF_APP_SL_BLOCKED);
		if (owed && sl->sl_on_writable != NULL)
			sl->sl_on_writable(
				&ap->ap_et->et_wt[idx / cap]->wt_conn[idx % cap],
				sl->sl_arg);
	}
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
	if (a->ac_nb_blocked != 0)
		sf_app_writable_poll(a);
	return total;
}
