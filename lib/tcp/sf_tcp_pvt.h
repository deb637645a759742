/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_TCP_PVT_H
#define SF_TCP_PVT_H

/*
 * The TCP layer (docs/architecture.md): listeners, half-open requests
 * (the SYN queue), SYN cookies, connections and their timers, and the
 * per-lcore TCP state of a worker, which begins with its net state (the
 * only way out: the tx service of sf_net.h). Nothing here knows the
 * engine or the application contexts: a connection goes up through its
 * worker's struct sf_conn_ops, and the engine drives the rest (input,
 * clock, purges) through the functions at the end. Private header, not
 * installed.
 *
 * Ownership: a listener is written by the control thread (before or
 * while the workers run, under RCU: sf_listen.c) and read by all of
 * them; its two queue lengths are updated by every lcore with atomics
 * (Linux also counts the SYN and accept queues per listener). Requests, connections, their tables and the timer wheel
 * belong to one worker lcore; no other lcore touches them.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>
#include <rte_tcp.h>

#include "sf_cookie.h"
#include "sf_flow.h"
#include "sf_ftab.h"
#include "sf_net.h"
#include "sf_siphash.h"
#include "sf_cnt.h"
#include "sf_tcp.h"
#include "sf_tcp_opt.h"
#include "sf_twheel.h"

extern int sf_logtype_tcp;

#define SF_TCP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, sf_logtype_tcp, \
		"synfront.tcp: " fmt "\n", ## __VA_ARGS__)

struct sf_wtcp;

/* TCP header flags, as in the flags byte. */
#define SF_TH_FIN RTE_TCP_FIN_FLAG
#define SF_TH_SYN RTE_TCP_SYN_FLAG
#define SF_TH_RST RTE_TCP_RST_FLAG
#define SF_TH_PSH RTE_TCP_PSH_FLAG
#define SF_TH_ACK RTE_TCP_ACK_FLAG
#define SF_TH_URG RTE_TCP_URG_FLAG
#define SF_TH_ECE RTE_TCP_ECE_FLAG
#define SF_TH_CWR RTE_TCP_CWR_FLAG


/*
 * How to reach the peer at L2: its MAC and the VLAN tags the SYN came
 * with (replies leave on the VLAN the request came from).
 */
struct sf_l2peer {
	struct rte_ether_addr lp_mac;
	uint8_t lp_nb_vlan;       /* 0..2 */
	uint8_t lp_qinq;          /* outer tag's TPID was 0x88a8 */
	uint16_t lp_tci[2];       /* host order, outer first */
};

/* Life of a listener slot (sf_listen.c). */
enum sf_ls_state {
	SF_LS_FREE = 0,    /* unused */
	SF_LS_ACTIVE,      /* on its port's chain: segments reach it */
	SF_LS_CLOSING,     /* off the chain; workers still dropping state */
};

/*
 * A listener. Written by the control thread, read by the workers under
 * RCU: a new one is filled in before it is linked, settings change one
 * by one with atomic stores, and a removed one keeps its memory until
 * every worker has passed a quiescent state and let go of it. Only
 * ls_synq and ls_acceptq change on the fast path, atomically, on their
 * own cache line.
 */
struct sf_listener {
	struct sf_listener_params ls_p;   /* settings as in force */
	uint16_t ls_id;                   /* index in en_listeners */
	uint8_t ls_next;                  /* next id on the port + 1, 0: end */
	uint8_t ls_family;                /* 0, AF_INET, AF_INET6 */
	uint32_t ls_laddr[4];             /* network order; zero: wildcard */
	bool ls_wild;                     /* any address of ls_family */
	uint8_t ls_state;                 /* enum sf_ls_state */
	uint8_t ls_rcu_stage;             /* CLOSING: 1 once the grace
					   * period has passed */
	uint64_t ls_rcu_token;            /* CLOSING: RCU token of removal */
	uint32_t ls_synq __rte_cache_aligned; /* requests, all lcores */
	uint32_t ls_acceptq;              /* connections not yet accepted */
	uint32_t ls_synq_max;             /* high-water mark of ls_synq */
} __rte_cache_aligned;

/* Request state flags (the options negotiated are in rq_neg). */
#define SF_RQF_ACKED   0x01  /* a valid third ACK was deferred or dropped */

/*
 * A half-open request (SYN-RECEIVED), the entry of the SYN queue. One per
 * slot of the worker's request table, indexed by the flow table's
 * position, so the 4-tuple is not stored twice. Owned by one lcore.
 */
struct sf_req {
	uint32_t rq_iss;          /* our ISN */
	uint32_t rq_irs;          /* the peer's ISN */
	uint32_t rq_tsoff;        /* our TSval = ms clock + rq_tsoff */
	uint32_t rq_ts_recent;    /* the peer's latest TSval (our TSecr) */
	uint32_t rq_start;        /* ms tick the SYN arrived */
	uint32_t rq_last_tx;      /* ms tick of the last SYN-ACK/ACK sent */
	struct sf_l2peer rq_l2;   /* 12 bytes */
	struct sf_tcp_neg rq_neg; /* what the SYN negotiated (5 bytes) */
	uint8_t rq_flags;         /* SF_RQF_* */
	uint16_t rq_listener;     /* listener id */
	uint16_t rq_port;         /* ethdev port */
	uint8_t rq_retrans;       /* SYN-ACK retransmissions so far */
	uint8_t rq_used;          /* slot holds a request */
};

/* Connection states we keep (RFC 9293 3.3.2). */
enum sf_conn_state {
	SF_CS_FREE = 0,
	SF_CS_SYN_SENT,     /* our SYN sent (active open), no SYN-ACK yet */
	SF_CS_ESTABLISHED,
	SF_CS_CLOSE_WAIT,   /* peer's FIN received, ours not sent */
	SF_CS_FIN_WAIT_1,   /* our FIN sent, not acknowledged */
	SF_CS_FIN_WAIT_2,   /* our FIN acknowledged, peer's awaited */
	SF_CS_CLOSING,      /* both FINs sent, ours not acknowledged */
	SF_CS_LAST_ACK,     /* peer's FIN, then ours: waiting for its ACK */
	SF_CS_TIME_WAIT,
	/*
	 * One leg of a SYN proxy's pair (lib/proxy/): its segments go to the
	 * splice (wt_splice), which rewrites them for the other leg; TCP
	 * keeps the slot, its 4-tuple, what the handshake negotiated and
	 * one timer (SF_CT_KEEP, the splice's), nothing else.
	 */
	SF_CS_SPLICED,
};

/* Connection flags. */
#define SF_CNF_ACCEPTED 0x01  /* on_accept was called */
#define SF_CNF_QUEUED   0x02  /* in the listener's accept queue */
#define SF_CNF_PEERFIN  0x04  /* the peer's FIN was received */
#define SF_CNF_CLOSING  0x08  /* our FIN is due after the queued bytes */
#define SF_CNF_DYING    0x10  /* being freed: callbacks may not act on it */
#define SF_CNF_APP      0x20  /* handed to an application context */
#define SF_CNF_WNDUP    0x40  /* an ACK of ours advertised sf_conn_win() */
#define SF_CNF_SND      0x80  /* the send side is set up (sf_snd.c) */

/*
 * How a connection reaches its application: its only way up. Two
 * implementations: inline, the callbacks run at once on the owning
 * worker (sf_conn.c); and over an application context's accept ring
 * (lib/app/sf_app.c). The engine picks one per worker (wt_conn_ops,
 * with wt_up, the state that implementation keeps for the worker) when
 * it is made; every connection of the worker goes up that way.
 */
struct sf_conn_ops {
	/*
	 * on_accept runs later, on another lcore: a connection handed up
	 * keeps its place in the listener's accept queue until then (as a
	 * socket in Linux's accept queue until accept()).
	 */
	bool co_deferred;
	/*
	 * Could a connection of flow hash be handed up now? NULL: always
	 * (no call on the way of every third ACK).
	 */
	bool (*co_room)(struct sf_wtcp *wt, uint32_t hash);
	/*
	 * Hand the new connection up to on_accept (its listener's, when it
	 * is born), with its first data (ci->data, and for the ring the
	 * mbuf holding it, which the ring then owns). Returns 0, or
	 * -ENOBUFS: nothing was handed up.
	 */
	int (*co_accept)(struct sf_conn *c, uint32_t hash,
			sf_on_accept_t on_accept, struct rte_mbuf *data,
			const struct sf_conn_info *ci);
	/*
	 * New in-order bytes for on_data (not NULL), len at data inside the
	 * received frame m. Returns 0 when the worker still owns m (the
	 * bytes were used, and m was left as it was), 1 when m left the
	 * worker (kept by the application, or on its way to an application
	 * context), or -ENOBUFS: nothing was handed up and m is untouched.
	 */
	int (*co_data)(struct sf_conn *c, struct rte_mbuf *m,
			const uint8_t *data, uint32_t len);
	/*
	 * The peer's FIN, for cn_on_close (not NULL), or the end of the
	 * connection (deferred ops hear of it even when cn_on_close is NULL:
	 * the application side holds the handle). Returns 0, or -ENOBUFS
	 * when the application could not be told (counted).
	 */
	int (*co_close)(struct sf_conn *c, enum sf_close_reason why);
	/*
	 * Room again in the send queue, for cn_on_writable (not NULL).
	 * Returns 0, or -ENOBUFS (the ring full: asked again later).
	 */
	int (*co_writable)(struct sf_conn *c);
};

/* Inline: the callbacks run on the worker, inside its poll. */
extern const struct sf_conn_ops sf_conn_ops_inline;

/*
 * The splice: how a layer above (the SYN proxy, lib/proxy/) takes over
 * the connections of listeners with a backend pool, as sf_conn_ops is
 * the way up of every other connection. Set per worker by the engine
 * (wt_splice, with wt_splice_arg, its per-worker state); NULL where no
 * pool exists.
 */
struct sf_seg;

struct sf_splice_ops {
	/*
	 * The third ACK s of a proxy listener made connection c (counted,
	 * ESTABLISHED or CLOSE-WAIT, not accepted by anyone): the splice
	 * takes it (and s's frame: the verdict for it).
	 */
	enum sf_verdict (*sp_accept)(struct sf_wtcp *wt,
			const struct sf_port *pt, struct sf_conn *c,
			struct sf_seg *s);
	/* A segment for c in SF_CS_SPLICED. */
	enum sf_verdict (*sp_input)(struct sf_wtcp *wt,
			const struct sf_port *pt, struct sf_conn *c,
			struct sf_seg *s);
	/* c's timer (SF_CT_KEEP) in SF_CS_SPLICED fired. */
	void (*sp_timer)(struct sf_wtcp *wt, struct sf_conn *c);
};

/*
 * An established (or closing) connection, the entry of the established
 * table, indexed like requests by the key position. Owned by one lcore.
 */
struct sf_conn {
	struct sf_wtcp *cn_wt;    /* owner */
	void *cn_user;            /* application pointer */
	/*
	 * What the application gave its listener: copied when the
	 * connection is born (as FreeBSD's syncache_socket() copies a
	 * listener's settings into the new socket) and never read from the
	 * listener again, which may change or go first. The way up is the
	 * worker's (wt_conn_ops), fixed with the engine.
	 */
	sf_on_close_t cn_on_close;  /* NULL: the engine closes on peer FIN */
	sf_on_data_t cn_on_data;  /* NULL: bytes acknowledged and dropped */
	sf_on_writable_t cn_on_writable;
	void *cn_arg;             /* the callbacks' argument */
	uint32_t cn_id;           /* slot */
	uint32_t cn_iss;
	uint32_t cn_irs;
	uint32_t cn_snd_nxt;      /* past the highest byte (or FIN) sent */
	uint32_t cn_snd_una;      /* oldest unacknowledged */
	uint32_t cn_rcv_nxt;      /* next sequence number expected */
	uint32_t cn_tsoff;
	uint32_t cn_ts_recent;
	uint32_t cn_last_tx;      /* ms tick of the last rate-limited ACK */
	uint32_t cn_rcv_adv;      /* RCV.NXT of the last ACK we sent */
	uint32_t cn_rto_base;     /* first retransmission timeout, ms */
	struct sf_l2peer cn_l2;
	uint16_t cn_window;       /* our window, bytes, before scaling */
	uint16_t cn_listener;     /* accept-queue and id accounting only */
	uint16_t cn_port;
	uint16_t cn_snd_wnd;      /* peer's window, unscaled */
	/* the request's, MSS capped by ours; SF_CONN_F_FIN as sf_conn_info */
	struct sf_tcp_neg cn_neg;
	uint8_t cn_state;         /* enum sf_conn_state */
	uint8_t cn_flags;         /* SF_CNF_* */
	uint8_t cn_app;           /* application context it was handed to */
	/*
	 * Generation of the slot: moves each time the slot takes a new
	 * connection, so a close from an application context that comes
	 * back late cannot hit the slot's next connection. Never 0.
	 */
	uint32_t cn_gen;
};

/*
 * A connection's timer kinds, one deadline each, as FreeBSD's tcpcb has
 * one callout per kind; the worker's wheel holds one slot per
 * connection, armed at the earliest deadline that is on (sf_conn.c).
 */
enum sf_ctimer {
	SF_CT_REXMT = 0,   /* retransmission: data or FIN unacknowledged */
	SF_CT_2MSL,        /* the end of FIN-WAIT-2 or of TIME-WAIT */
	SF_CT_DELACK,      /* a delayed ACK is due */
	SF_CT_PERSIST,     /* a zero-window probe is due */
	SF_CT_KEEP,        /* keepalive or idle timeout: look again */
	SF_CT_MAX,
};

/* What watches a connection's silence (tb_keep), from its listener. */
#define SF_TBK_KEEPALIVE 0x01
#define SF_TBK_IDLE      0x02

/*
 * What a connection keeps beside it, in wt_tcb, rather than in struct
 * sf_conn (the handshake's two cache lines): what no handshake reads or
 * writes. Its timers, and its accept-queue links (only a connection no
 * application accepted yet is queued). The data path's queues and
 * estimators join it (issue 16). Owned by the worker, like the
 * connection; set up when its slot is freed, so that a handshake never
 * touches it.
 */
struct sf_tcb {
	uint32_t tb_at[SF_CT_MAX];         /* ms tick each timer kind is due */
	uint32_t tb_aq_next;               /* accept queue links (slot ids) */
	uint32_t tb_aq_prev;
	struct rte_mbuf *tb_data;          /* third-ACK data held till accept */
	uint8_t tb_timers;                 /* kinds on: 1 << enum sf_ctimer */
	uint8_t tb_ofo_n;                  /* segments in tb_ofo */
	/*
	 * Delayed ACK (__tcp_ack_snd_check()): quick ACKs still owed (set
	 * when the slot is freed, so a new connection starts with them),
	 * and the largest segment the peer sent (Linux's rcv_mss).
	 */
	uint8_t tb_quick;
	uint16_t tb_rcv_mss;
	/*
	 * Keepalive and the idle timeout (SF_TBK_*, from the listener at
	 * birth; 0 when the slot is freed): the tick of the last acceptable
	 * segment, and the keepalive probes unanswered since.
	 */
	uint8_t tb_keep;
	uint8_t tb_kprobes;
	uint32_t tb_last_rx;
	/* left edge of the SACK block that changed last (RFC 2018 4:
	 * reported first) */
	uint32_t tb_sack_last;
	/*
	 * Out-of-order queue: mbufs cut down to their bytes, ascending,
	 * none overlapping another, linked and sequenced in a dynamic mbuf
	 * field (sf_conn.c).
	 */
	struct rte_mbuf *tb_ofo;
	/*
	 * The send side (sf_snd.c), set up by the first send, FIN or
	 * shutdown (SF_CNF_SND): the send queue, linked and sequenced in
	 * the same dynamic field, from the oldest unacknowledged byte to
	 * tb_snd_end, and what decides when its bytes leave.
	 */
	struct rte_mbuf *tb_snd;           /* oldest mbuf */
	struct rte_mbuf *tb_snd_tail;
	struct rte_mbuf *tb_snd_hint;      /* where the last lookup ended */
	uint32_t tb_snd_end;               /* past the last queued byte */
	uint32_t tb_snd_charge;            /* the queue's sm_charge, summed */
	uint32_t tb_snd_wl1;               /* SEG.SEQ, SEG.ACK of the last */
	uint32_t tb_snd_wl2;               /* window update (RFC 9293) */
	uint32_t tb_cwnd;                  /* congestion window, bytes */
	uint32_t tb_ssthresh;
	uint32_t tb_srtt;                  /* ms << 3; 0: no sample yet */
	uint32_t tb_rttvar;                /* ms << 2 */
	uint32_t tb_rto;                   /* ms, before backoff */
	uint32_t tb_retrans;               /* segments retransmitted */
	uint32_t tb_rtt_seq;               /* Karn: the byte timed ... */
	uint32_t tb_rtt_at;                /* ... sent at this tick */
	uint32_t tb_recover;               /* RFC 6582 / 6675 recovery point */
	uint32_t tb_rtx_nxt;               /* next byte to retransmit */
	uint32_t tb_lost_end;              /* bytes below it are lost */
	uint32_t tb_sacked;                /* bytes SACKed above SND.UNA */
	uint32_t tb_rcv_right;             /* right edge we advertised */
	uint32_t tb_max_wnd;               /* the peer's largest window */
	uint8_t tb_dupacks;
	uint8_t tb_probes;                 /* zero-window probes unanswered */
	uint8_t tb_ca;                     /* enum sf_ca_state */
	uint8_t tb_backoff;                /* timeouts since data moved */
	uint8_t tb_rtt_on;                 /* tb_rtt_seq is timed */
	uint8_t tb_want_wr;                /* on_writable owed */
	uint8_t tb_half;                   /* our FIN from sf_conn_shutdown() */
	uint8_t tb_acked_big;              /* 2 GiB or more acknowledged */
	/*
	 * SYN-SENT (sf_connect.c): SYN retransmissions allowed, whether the
	 * last SYN waited for its next hop's resolution and which frame of
	 * the neighbour queue it was, and on_connected. (In SYN-SENT,
	 * tb_backoff counts the retransmissions, tb_kprobes the looks at a
	 * next hop being resolved, and tb_rtt_at holds the tick of the
	 * first SYN: the PAWS check of the SYN-ACK's TSecr.)
	 */
	uint8_t tb_syn_retries;
	uint8_t tb_syn_nwait;
	uint32_t tb_syn_ticket;            /* its place in the neighbour queue */
	sf_on_connected_t tb_on_connected;
};

/* Congestion states (Linux's tcp_ca_state, in part). */
enum sf_ca_state {
	SF_CA_OPEN = 0,    /* no loss seen: slow start, avoidance */
	SF_CA_RECOVERY,    /* fast recovery (RFC 6582, RFC 6675) */
	SF_CA_LOSS,        /* after a retransmission timeout */
};

/* Linux's TCP_MIN_MSS and the largest MSS an IPv4 packet can carry. */
#define SF_MSS_MIN 88
#define SF_MSS_MAX 65495
/*
 * RFC 9293 3.7.1: without an MSS option, assume 536 (IPv4); RFC 8200 5
 * makes it 1220 for IPv6 (1280 minimum MTU less 60 bytes of headers).
 */
#define SF_MSS_DEFAULT_V4 536
#define SF_MSS_DEFAULT_V6 1220
/*
 * Linux's net.ipv4.tcp_min_snd_mss: the smallest MSS a peer can make us
 * use (CVE-2019-11479), before the options of each segment come off.
 */
#define SF_MIN_SND_MSS 48

/*
 * Quick ACKs at the start of a connection and after data out of order
 * (Linux's TCP_MAX_QUICKACKS), and how long an ACK may wait otherwise
 * (TCP_DELACK_MIN).
 */
#define SF_QUICKACKS 16
#define SF_DELACK_MS 40

/*
 * A queued mbuf's place in its connection's out-of-order or send queue
 * (one or the other), kept in the mbuf itself: a dynamic field,
 * registered once per process (sf_conn_init()).
 */
struct sf_seqm {
	struct rte_mbuf *sm_next;
	uint32_t sm_seq;          /* sequence number of its first byte */
	uint8_t sm_flags;         /* SF_SQM_* */
	/* send queue: what it costs the send budget, max(bytes, MSS) */
	uint16_t sm_charge;
};
#define SF_SQM_SACKED 0x01    /* the peer SACKed all of it */

extern int sf_seqm_off;

static inline struct sf_seqm *
sf_seqm(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, sf_seqm_off, struct sf_seqm *);
}

/* Sequence number just past a queued mbuf's bytes. */
static inline uint32_t
sf_seqm_end(struct rte_mbuf *m)
{
	return sf_seqm(m)->sm_seq + rte_pktmbuf_data_len(m);
}

/* Segments one connection queues beyond a gap (Linux: its rcvbuf). */
#define SF_OFO_MAX_SEGS 64

/* An accept queue: FIFO of connection slots of one worker. */
struct sf_acceptq {
	uint32_t aq_head;
	uint32_t aq_tail;
};


/*
 * The TCP state of one worker. Owned by that worker's lcore. Its net
 * state comes first: the tx service, the counters and the ms clock
 * (wt_net.nt_now) are an offset away.
 */
struct sf_wtcp {
	struct sf_net wt_net;              /* the layer below */
	struct sf_etcp *wt_et;             /* engine-wide TCP state */
	struct sf_ftab wt_reqtab;          /* half-open requests */
	struct sf_ftab wt_conntab;         /* connections */
	struct sf_req *wt_req;             /* wt_reqtab.ft_cap entries */
	struct sf_conn *wt_conn;           /* wt_conntab.ft_cap entries */
	struct sf_tcb *wt_tcb;             /* what each keeps beside it */
	uint64_t wt_isn_tsc;               /* nt_tsc wt_isn_m was read at */
	struct sf_sip_mid wt_isn_mid;      /* F()'s first block (et_isn_key) */
	uint32_t wt_isn_m;                 /* RFC 6528 M at wt_isn_tsc */
	uint32_t wt_ofo_mbufs;             /* in the out-of-order queues */
	uint32_t wt_ofo_max;               /* the most they may hold */
	uint32_t wt_snd_mbufs;             /* in the send queues */
	uint32_t wt_snd_max;               /* the most they may hold */
	/*
	 * NULL, or per connection slot the send budget its queue gave back
	 * once acknowledged (the freed mbufs' sm_charge), added up
	 * (wrapping), stored with release order for a layer above on
	 * another lcore that keeps the send budget (the application
	 * contexts: sf_app.c). That layer zeroes a slot's count before the
	 * connection is handed to it.
	 */
	uint32_t *wt_snd_freed;
	uint32_t wt_nb_tw;                 /* connections in TIME-WAIT */
	struct sf_twheel wt_tw;            /* ids: requests, then conns */
	struct sf_acceptq wt_aq[SF_MAX_LISTENERS];
	/* live connections per listener: a removed listener's id is not
	 * reused while any worker has one (read by the control thread) */
	uint32_t wt_lconns[SF_MAX_LISTENERS];
	/* SYN cookies (sf_cookie.h) */
	struct sf_cookie_keys wt_ck;       /* period keys */
	uint32_t wt_ck_next;               /* tick of the next key update */
	uint32_t wt_ck_rst_tokens;         /* failed-cookie RSTs allowed */
	uint32_t wt_ck_rst_tick;           /* tick of the last refill */
	/* tick of the last cookie sent per listener; 0: none yet */
	uint32_t wt_ck_last[SF_MAX_LISTENERS];
	uint8_t wt_ck_sent[SF_MAX_LISTENERS];
	/* mode 0: tags of peers that completed a handshake here */
	uint32_t *wt_proven;               /* SF_PROVEN_SLOTS entries */
	/*
	 * RFC 6056 algorithm 4's perturbations (sf_portsel.c), followed by
	 * a bit per entry: the scan starts with the odd ports
	 */
	uint32_t *wt_perturb;
	/* how this worker's connections reach their application */
	const struct sf_conn_ops *wt_conn_ops;
	void *wt_up;                       /* wt_conn_ops' state, or NULL */
	/* the SYN proxy's splice (NULL: no pool) and its worker state */
	const struct sf_splice_ops *wt_splice;
	void *wt_splice_arg;
};

/* Linux's tcp_wmem maximum is 4 MiB; a front end holds less per peer. */
#define SF_SNDBUF_DEFAULT (256u * 1024)
#define SF_RETRIES2_DEFAULT 15

/* Proven-peer tags per worker (Linux's tcp_metrics, in miniature). */
#define SF_PROVEN_SLOTS 4096

/*
 * Engine-wide TCP state, read-only after start except the listener
 * table, which one control thread at a time changes (et_lock) under RCU
 * (sf_listen.c).
 */
struct sf_etcp {
	unsigned int et_nb_listeners;
	struct sf_listener *et_listeners;  /* SF_MAX_LISTENERS */
	uint8_t *et_by_port;               /* port -> first listener id + 1 */
	struct sf_siphash_key et_isn_key;  /* RFC 6528 F() key (ISN, TS offset) */
	struct sf_siphash_key et_peer_key; /* proven-peer tags */
	struct sf_siphash_key et_port_key; /* ephemeral ports (sf_portsel.c) */
	struct sf_cookie_secret et_cookie; /* SYN-cookie master secret */
	/*
	 * The wall clock (UTC ms) cookie periods count in. Unit tests
	 * replace it (then set wt_ck_next = wt_net.nt_now to apply it at once).
	 */
	uint64_t (*et_wall_ms)(void);
	uint32_t et_hash_seed;             /* ICMP rate-limit tag seed */
	struct sf_flow_hkey et_hkey;       /* flow-table hash key */
	uint32_t et_somaxconn;
	uint32_t et_max_requests;
	uint32_t et_max_conns;
	uint32_t et_time_wait_ms;
	uint32_t et_max_tw;                /* TIME-WAIT connections per worker */
	uint32_t et_sndbuf;                /* send budget per connection */
	uint8_t et_retries2;               /* tcp_retries2 */
	uint8_t et_syn_retries;            /* tcp_syn_retries */
	bool et_no_listener_drop;
	bool et_tw_reuse;                  /* tcp_tw_reuse for active opens */
	uint16_t et_port_lo;               /* ip_local_port_range */
	uint16_t et_port_hi;
	/*
	 * The listener table's control side (sf_listen.c): the lock of
	 * control calls, the workers' RCU (each reports a quiescent state
	 * at the top of its poll) and the generation that moves when a
	 * listener is removed. The engine fills in the rest: every
	 * worker's TCP state, and the counters of every context (workers,
	 * then application contexts), which hold the listener counters.
	 */
	rte_spinlock_t et_lock;
	struct rte_rcu_qsbr *et_qsbr;
	uint32_t et_ls_gen;
	unsigned int et_nb_workers;
	struct sf_wtcp **et_wt;            /* et_nb_workers */
	unsigned int et_nb_stats;
	struct sf_stats **et_stats;        /* et_nb_stats */
};

/* Per-listener counters, per lcore like the others. */
static inline void
sf_lcount(struct sf_wtcp *wt, uint16_t ls, enum sf_lcounter c)
{
	sf_stats_ladd(&wt->wt_net.nt_st, ls, c);
}

/* A received segment, parsed once for every stage of the TCP input. */
struct sf_seg {
	struct rte_mbuf *sg_m;
	const struct sf_pkt *sg_p;
	const uint8_t *sg_data;   /* payload */
	uint32_t sg_seq;          /* host order */
	uint32_t sg_ack;
	uint32_t sg_len;          /* payload bytes */
	uint32_t sg_seglen;       /* SEG.LEN: payload + SYN + FIN */
	uint32_t sg_hash;         /* of sg_key */
	uint16_t sg_port;         /* ethdev port */
	uint16_t sg_win;          /* window field, unscaled */
	uint8_t sg_flags;         /* SF_TH_* */
	bool sg_relisten;         /* TIME-WAIT gave way: try the listener */
	/* ECT or CE in the IP header and no reserved TCP bits set */
	bool sg_ect;
	struct sf_tcp_opts sg_opts;
	struct sf_flow_key sg_key;
};

/* A segment to build (sf_tcp_build()). */
struct sf_tcp_out {
	uint32_t seq;
	uint32_t ack;
	uint16_t win;
	uint8_t flags;
	uint8_t optlen;
	uint8_t opt[SF_TCP_OPT_MAX];       /* optlen bytes used */
};

/* A segment to build, cleared: its header fields (not the option bytes). */
static inline void
sf_tcp_out_clear(struct sf_tcp_out *o)
{
	memset(o, 0, offsetof(struct sf_tcp_out, opt));
}

/*
 * Linux's net.ipv4.tcp_invalid_ratelimit: at most one duplicate-SYN
 * SYN-ACK, out-of-window or challenge ACK per 500 ms per request or
 * connection, so a peer (or a spoofer) cannot make us an amplifier.
 */
#define SF_OOW_RATELIMIT_MS 500
/* TCP_RTO_MAX: no retransmission timeout grows beyond 120 s. */
#define SF_RTO_MAX_MS 120000

/*
 * tcp_oow_rate_limited(): "Data packets without SYNs are not likely part
 * of an ACK loop", so an unacceptable segment that carries data or FIN
 * (and no SYN) is always answered; the others at most once per 500 ms.
 */
static inline bool
sf_seg_oow_exempt(const struct sf_seg *s)
{
	return s->sg_seglen != 0 && !(s->sg_flags & SF_TH_SYN);
}

/* sf_tcp_out.c */
uint16_t sf_tcp_mtu_mss(const struct sf_port *pt, uint16_t clamp,
		uint8_t family);
uint16_t sf_tcp_our_mss(const struct sf_port *pt,
		const struct sf_listener *ls, uint8_t family);
void sf_l2peer_from_frame(const struct rte_mbuf *m, const struct sf_pkt *p,
		struct sf_l2peer *l2);
/* The L2 header to l2 from port pt at buf: its length. */
static inline uint16_t
sf_l2_write(uint8_t *buf, const struct sf_port *pt, const struct sf_l2peer *l2,
		uint16_t ethertype)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);
	uint16_t *type = &eh->ether_type;
	uint8_t i;

	rte_ether_addr_copy(&l2->lp_mac, &eh->dst_addr);
	rte_ether_addr_copy(&pt->pt_mac, &eh->src_addr);
	for (i = 0; i < l2->lp_nb_vlan; i++) {
		*type = rte_cpu_to_be_16(i == 0 && l2->lp_qinq ?
			RTE_ETHER_TYPE_QINQ : RTE_ETHER_TYPE_VLAN);
		vh[i].vlan_tci = rte_cpu_to_be_16(l2->lp_tci[i]);
		type = &vh[i].eth_proto;
	}
	*type = rte_cpu_to_be_16(ethertype);
	return sizeof(*eh) + l2->lp_nb_vlan * sizeof(*vh);
}
int sf_tcp_build(struct rte_mbuf *m, const struct sf_port *pt,
		const struct sf_l2peer *l2, const struct sf_flow_key *k,
		const struct sf_tcp_out *o);
void sf_tcp_finish(struct rte_mbuf *m, const struct sf_port *pt,
		const struct sf_l2peer *l2, bool v4, uint16_t plen);
void sf_tcp_rst_for(const struct sf_seg *s, struct sf_tcp_out *o);
enum sf_verdict sf_tcp_reply(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_seg *s, const struct sf_tcp_out *o);
enum sf_verdict sf_tcp_reply_synack(struct sf_wtcp *wt,
		const struct sf_port *pt, struct sf_seg *s, struct sf_tcp_out *o,
		const struct sf_tcp_opts *to);
enum sf_verdict sf_tcp_reply_rst(struct sf_wtcp *wt,
		const struct sf_port *pt, struct sf_seg *s);
int sf_tcp_send(struct sf_wtcp *wt, uint16_t port, const struct sf_l2peer *l2,
		const struct sf_flow_key *k, const struct sf_tcp_out *o);

/*
 * The timeout of the n-th retransmission: base doubled n times, capped
 * at SF_RTO_MAX_MS (Linux's TCP_RTO_MAX), for SYN-ACKs and FINs alike.
 */
static inline uint32_t
sf_tcp_backoff(uint32_t base_ms, unsigned int n)
{
	uint64_t t = (uint64_t)base_ms << RTE_MIN(n, 20u);

	return (uint32_t)RTE_MIN(t, (uint64_t)SF_RTO_MAX_MS);
}
uint8_t sf_tcp_ts_opt(uint8_t *buf, uint32_t tsval, uint32_t tsecr);
/*
 * A SACK option (RFC 2018 3) of n blocks (left and right edge each, host
 * order), after two NOPs: 4 + 8 n bytes at buf.
 */
uint8_t sf_tcp_sack_opt(uint8_t *buf, const uint32_t (*blk)[2], unsigned int n);

/* sf_isn.c: RFC 6528 initial sequence numbers, timestamp offsets. */
/* F(): one 64-bit SipHash of the 4-tuple; the ISN and TS offset split it. */
uint64_t sf_flow_prf(const struct sf_siphash_key *key,
		const struct sf_flow_key *k);
/* The same, resuming after the first block where mid holds it. */
uint64_t sf_flow_prf_mid(const struct sf_siphash_key *key,
		struct sf_sip_mid *mid, const struct sf_flow_key *k);
/* ISN = M + F: M the 4 us clock of tsc, F the low half of f. */
uint32_t sf_isn(uint64_t f, uint64_t tsc);

/*
 * M for the SYNs of this poll: the 4 us clock at the TSC the poll began
 * with, divided once a poll, not once a SYN (the poll's frames are a few
 * microseconds apart at most). A frame handed in outside a poll (the unit
 * tests) reads the TSC itself, as an active open does (sf_tcp_connect()
 * may run between polls, where the poll's TSC is old).
 */
static inline uint32_t
sf_isn_clock(struct sf_wtcp *wt)
{
	uint64_t tsc = wt->wt_net.nt_tsc;

	if (unlikely(tsc == 0))
		return sf_isn(0, rte_rdtsc());
	if (tsc != wt->wt_isn_tsc) {
		wt->wt_isn_tsc = tsc;
		wt->wt_isn_m = sf_isn(0, tsc);
	}
	return wt->wt_isn_m;
}

/* The TSval offset of a connection: F's high half. */
static inline uint32_t
sf_ts_offset(uint64_t f)
{
	return (uint32_t)(f >> 32);
}

/*
 * sf_listen.c: the listener table. Lookup on the workers; the control
 * calls (the public sf_engine_listen() family, which the engine passes
 * on) under et_lock.
 */
struct sf_listener *sf_listener_lookup(const struct sf_etcp *et,
		const struct sf_flow_key *k);
int sf_ltab_init(struct sf_etcp *et, int socket);
void sf_ltab_fini(struct sf_etcp *et);
int sf_ltab_listen(struct sf_etcp *et, const struct sf_listener_params *p);
int sf_ltab_update(struct sf_etcp *et, unsigned int id,
		const struct sf_listener_params *p);
int sf_ltab_unlisten(struct sf_etcp *et, unsigned int id);
int sf_ltab_find(const struct sf_etcp *et, const struct sf_addr *addr,
		uint16_t port);
unsigned int sf_ltab_count(const struct sf_etcp *et);
int sf_ltab_get(const struct sf_etcp *et, unsigned int id,
		struct sf_listener_params *out);
int sf_ltab_state(const struct sf_etcp *et, unsigned int id,
		struct sf_listener_state *out);

/* sf_syncache.c: the SYN queue (half-open requests). */
int sf_syncache_init(struct sf_wtcp *wt);
void sf_syncache_fini(struct sf_wtcp *wt);
enum sf_verdict sf_syncache_add(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_listener *ls, struct sf_seg *s);
enum sf_verdict sf_syncache_input(struct sf_wtcp *wt, const struct sf_port *pt,
		uint32_t id, struct sf_seg *s);
void sf_syncache_timer(struct sf_wtcp *wt, uint32_t id);
enum sf_verdict sf_syncache_cookie_ack(struct sf_wtcp *wt,
		const struct sf_port *pt, struct sf_listener *ls,
		struct sf_seg *s);
void sf_syncache_clock(struct sf_wtcp *wt);
void sf_syncache_purge(struct sf_wtcp *wt);
/*
 * An ICMP error quoting our SYN-ACK of request id with sequence seq:
 * tcp_req_err(). Returns the verdict for the ICMP message.
 */
enum sf_verdict sf_syncache_unreach(struct sf_wtcp *wt, uint32_t id,
		uint32_t seq, bool hard);

/*
 * sf_connect.c: the active open (tcp_v4_connect(), tcp_connect(),
 * tcp_rcv_synsent_state_process()). sf_tcp_connect() opens a connection
 * of this worker (SYN-SENT) and sends its SYN: 0 and *out, or a negative
 * errno as sf_engine_connect() (counted); sf_connect_input() takes a
 * segment for a connection in SYN-SENT, sf_connect_rexmt() runs its SYN
 * retransmission timer.
 */
int sf_tcp_connect(struct sf_wtcp *wt, const struct sf_connect_params *p,
		struct sf_conn **out);
enum sf_verdict sf_connect_input(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s);
void sf_connect_rexmt(struct sf_wtcp *wt, struct sf_conn *c);
int sf_connect_params_check(const struct sf_connect_params *p);
/* How often SYN-SENT looks at a next hop being resolved, ms. */
#define SF_SYN_NWAIT_LOOK_MS 100

/* sf_conn.c: established and closing connections. */
int sf_conn_init(struct sf_wtcp *wt);
void sf_conn_fini(struct sf_wtcp *wt);
void sf_conn_drain(struct sf_wtcp *wt);
enum sf_verdict sf_conn_input(struct sf_wtcp *wt, const struct sf_port *pt,
		uint32_t id, struct sf_seg *s);
enum sf_verdict sf_conn_establish(struct sf_wtcp *wt,
		const struct sf_port *pt, const struct sf_req *rq,
		struct sf_seg *s);
void sf_conn_timer(struct sf_wtcp *wt, uint32_t id);
void sf_conn_purge(struct sf_wtcp *wt);
/*
 * An ICMP error quoting our segment of connection id with sequence seq;
 * mtu: what a "fragmentation needed" or "packet too big" reports, or 0.
 * Returns its verdict.
 */
enum sf_verdict sf_conn_icmp_err(struct sf_wtcp *wt, uint32_t id,
		uint32_t seq, uint32_t mtu);
/*
 * For the layers above: is c the live connection gen names, and the
 * close and reset on the owning worker (the public sf_conn_close() and
 * sf_conn_reset() choose between these and a command ring).
 */
int sf_conn_live(const struct sf_conn *c, uint32_t gen);
int sf_conn_fin_local(struct sf_conn *c, bool shutdown);
int sf_conn_reset_local(struct sf_conn *c);

/*
 * For sf_connect.c: a slot for a new connection of key k (hash h), its
 * fields cleared and its generation moved on (NULL: table full); the
 * release of a slot with no callback; the reply in place; the ACK of
 * sf_conn_input()'s rules; the way up.
 */
struct sf_conn *sf_conn_new(struct sf_wtcp *wt, const struct sf_flow_key *k,
		uint32_t h);
void sf_conn_release(struct sf_wtcp *wt, struct sf_conn *c);
enum sf_verdict sf_conn_reply(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s, uint32_t seq, uint8_t flags);

/* For sf_snd.c: what sf_conn.c does for it. */
void sf_conn_out(struct sf_wtcp *wt, struct sf_conn *c, uint32_t seq,
		uint8_t flags, struct sf_tcp_out *o);
void sf_conn_timer_set(struct sf_wtcp *wt, struct sf_conn *c,
		enum sf_ctimer k, uint32_t ms);
void sf_conn_timer_stop(struct sf_wtcp *wt, struct sf_conn *c,
		enum sf_ctimer k);
void sf_conn_end(struct sf_wtcp *wt, struct sf_conn *c,
		enum sf_close_reason why);
uint32_t sf_conn_rcv_right(const struct sf_wtcp *wt, const struct sf_conn *c);
void sf_conn_wnd_update(struct sf_wtcp *wt, struct sf_conn *c);

/*
 * For the splice (lib/proxy/): a segment of c in a fresh mbuf (seq,
 * flags; ACK and window from c), and TIME-WAIT for a leg whose
 * sequence numbers and timestamp offset the splice set (no callback:
 * the slot is freed when it ends).
 */
void sf_conn_ctl(struct sf_wtcp *wt, struct sf_conn *c, uint32_t seq,
		uint8_t flags);
void sf_conn_splice_tw(struct sf_wtcp *wt, struct sf_conn *c);

/*
 * sf_snd.c: the send side. sf_snd_setup() before the first send or FIN;
 * sf_snd_copy() and sf_snd_mbuf() queue bytes (the public sends on the
 * owning worker; budgeted: the caller kept the send budget and the pool
 * share itself, as the application contexts do, so neither is checked
 * again and the chain is taken unless the connection cannot send),
 * sf_snd_output() sends what the windows allow (and our
 * FIN once every byte before it left), sf_snd_ack() takes an
 * acceptable segment's ACK, window and SACK blocks (false: the
 * connection ended), sf_snd_rexmt() and sf_snd_persist() run the
 * retransmission and zero-window probe timers, sf_snd_purge() frees
 * the queue. sf_snd_fin_sent(): our FIN left.
 */
void sf_snd_setup(struct sf_wtcp *wt, struct sf_conn *c);
int sf_snd_copy(struct sf_conn *c, const void *buf, uint32_t len);
int sf_snd_mbuf(struct sf_conn *c, struct rte_mbuf *m, bool budgeted);
void sf_snd_output(struct sf_wtcp *wt, struct sf_conn *c);
void sf_snd_ack(struct sf_wtcp *wt, struct sf_conn *c,
		const struct sf_seg *s);
void sf_snd_rexmt(struct sf_wtcp *wt, struct sf_conn *c);
void sf_snd_persist(struct sf_wtcp *wt, struct sf_conn *c);
void sf_snd_purge(struct sf_wtcp *wt, struct sf_tcb *tb);
uint32_t sf_snd_max_mbufs(const struct sf_wtcp *wt);
void sf_snd_rtt_seed(struct sf_wtcp *wt, struct sf_conn *c, uint32_t r);

/*
 * sf_conn_stat.c: a connection as telemetry shows it, read from another
 * thread (the telemetry thread) while the owning worker runs, with no
 * lock: a racy snapshot, as /proc/net/tcp or ss -ti without the socket
 * lock. sf_conn_stat() copies slot id (the connection, what it keeps
 * beside it and its 4-tuple) between two reads of its generation and
 * tries again when the generation moved, so a snapshot never mixes two
 * connections of the slot that it can see; fields of one connection
 * may still be a moment apart. Memory is safe to read: the tables live
 * as long as the worker. Returns 0, -ENOENT (no connection in the slot),
 * -EINVAL (no such slot) or -EAGAIN (the slot kept changing).
 */
struct sf_conn_stat {
	struct sf_conn cs_c;             /* the copy (pointers not followed) */
	struct sf_tcb cs_tb;             /* valid with SF_CNF_SND: send side */
	struct sf_flow_key cs_key;
	uint32_t cs_now;                 /* the worker's ms clock */
	/* derived from the copy */
	uint32_t cs_snd_wnd;             /* the peer's window, scaled, bytes */
	uint32_t cs_rcv_wnd;             /* what we advertised past RCV.NXT */
	uint32_t cs_unacked;             /* SND.NXT - SND.UNA (FIN counts) */
	uint32_t cs_queued;              /* send queue: bytes not acknowledged */
	uint32_t cs_notsent;             /* of them, never sent */
	uint32_t cs_rto_ms;              /* timeout now: backoff applied */
	int32_t cs_timer_ms[SF_CT_MAX];  /* left per timer kind; -1: off */
};
int sf_conn_stat(const struct sf_wtcp *wt, uint32_t id,
		struct sf_conn_stat *st);
/* The state of slot id, read once (SF_CS_FREE for none or no slot). */
uint8_t sf_conn_stat_state(const struct sf_wtcp *wt, uint32_t id);
/*
 * "ESTABLISHED", "CLOSE_WAIT", ... "CLOSED" for none: RFC 9293's names
 * with '_' for '-' (telemetry's dictionary keys take no '-').
 */
const char *sf_conn_state_name(uint8_t state);
const char *sf_ca_state_name(uint8_t ca);
const char *sf_ctimer_name(unsigned int k);

/*
 * sf_portsel.c: the local port of an active open (RFC 6056 algorithm 4
 * as __inet_hash_connect(), among the ports whose replies steer to this
 * worker). sf_portsel() takes k with family, addresses and remote port,
 * and sets k->fk_lport: 0, or -EADDRNOTAVAIL (counted) when none is
 * free; *tw is the slot of a connection in TIME-WAIT that must give the
 * 4-tuple up first, or -1.
 */
int sf_portsel_init(struct sf_wtcp *wt);
void sf_portsel_fini(struct sf_wtcp *wt);
int sf_portsel(struct sf_wtcp *wt, const struct sf_port *pt,
		unsigned int worker, struct sf_flow_key *k, int32_t *tw);
/*
 * The same rules for a local port the caller fixed (k->fk_lport set):
 * 0 (*tw as sf_portsel()), -EXDEV (its replies steer to another
 * worker), -EADDRINUSE (the 4-tuple is taken, or a listener has the
 * port).
 */
int sf_portsel_check(struct sf_wtcp *wt, const struct sf_port *pt,
		unsigned int worker, const struct sf_flow_key *k, int32_t *tw);

static inline bool
sf_snd_fin_sent(const struct sf_wtcp *wt, const struct sf_conn *c)
{
	return (c->cn_flags & SF_CNF_CLOSING) &&
		c->cn_snd_nxt == wt->wt_tcb[c->cn_id].tb_snd_end + 1;
}

/*
 * What the engine drives (sf_tcp_in.c). sf_tcp_init() makes a worker's
 * tables and timer wheel (wt_net and wt_et filled in before);
 * sf_tcp_fini() frees them, sf_tcp_drain() gives back the mbufs
 * connections hold. sf_tcp_input() takes a segment whose TCP header
 * bounds passed; sf_tcp_icmp_err() an ICMP error quoting a segment we
 * sent on flow k (the peer remote, as in a received segment) with
 * sequence seq, hard when it ends a request, with the MTU a
 * "fragmentation needed" or "packet too big" reports (or 0). sf_tcp_clock() runs what
 * is due at the tick wt_net.nt_now: cookie key rotation and timers.
 * sf_tcp_purge() drops what the worker holds of removed listeners, when
 * the listener generation moved.
 */
int sf_tcp_init(struct sf_wtcp *wt);
void sf_tcp_fini(struct sf_wtcp *wt);
void sf_tcp_drain(struct sf_wtcp *wt);
enum sf_verdict sf_tcp_input(struct sf_wtcp *wt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p);
enum sf_verdict sf_tcp_icmp_err(struct sf_wtcp *wt,
		const struct sf_flow_key *k, uint32_t seq, bool hard,
		uint32_t mtu);
void sf_tcp_clock(struct sf_wtcp *wt);
void sf_tcp_purge(struct sf_wtcp *wt);

#endif /* SF_TCP_PVT_H */
