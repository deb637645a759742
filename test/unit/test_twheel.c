/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/* lib/core/sf_twheel.c, the hashed timing wheel of each worker. */

#include <errno.h>

#include "sf_test.h"
#include "sf_twheel.h"

#define NIDS 64
#define SLOTS 4096

/* What fired, in order, and what the callback does. */
static struct {
	struct sf_twheel *tw;
	uint32_t ids[4 * NIDS];
	uint32_t at[4 * NIDS];     /* the wheel's tick when it fired */
	unsigned int n;
	uint32_t rearm_id;         /* re-arm this id once, by rearm_ms */
	uint32_t rearm_ms;
	uint32_t cancel_id;        /* firing fire_id cancels cancel_id */
	uint32_t fire_id;
} fx;

static void
fire(void *ctx, uint32_t id)
{
	SF_CHECK(ctx == &fx);
	SF_CHECK(!sf_twheel_armed(fx.tw, id));
	if (fx.n < RTE_DIM(fx.ids)) {
		fx.ids[fx.n] = id;
		fx.at[fx.n] = fx.tw->tw_now;
		fx.n++;
	}
	if (id == fx.rearm_id) {
		fx.rearm_id = SF_TW_NONE;
		sf_twheel_arm(fx.tw, id, fx.tw->tw_now + fx.rearm_ms);
	}
	if (id == fx.fire_id)
		sf_twheel_cancel(fx.tw, fx.cancel_id);
}

static void
reset_fx(struct sf_twheel *tw)
{
	memset(&fx, 0, sizeof(fx));
	fx.tw = tw;
	fx.rearm_id = fx.cancel_id = fx.fire_id = SF_TW_NONE;
}

static unsigned int
advance(struct sf_twheel *tw, uint32_t now)
{
	return sf_twheel_advance(tw, now, fire, &fx);
}

static void
test_init(void)
{
	struct sf_twheel tw;

	SF_CHECK_EQ(sf_twheel_init(&tw, 8, 0, 0, SOCKET_ID_ANY), -EINVAL);
	SF_CHECK_EQ(sf_twheel_init(&tw, 8, 100, 0, SOCKET_ID_ANY), -EINVAL);
	SF_CHECK_EQ(sf_twheel_init(&tw, 0, 16, 0, SOCKET_ID_ANY), -EINVAL);
	SF_CHECK_EQ(sf_twheel_init(&tw, 8, 16, 5, SOCKET_ID_ANY), 0);
	SF_CHECK_EQ(tw.tw_now, 5);
	SF_CHECK_EQ(tw.tw_armed, 0);
	SF_CHECK(!sf_twheel_armed(&tw, 7));
	sf_twheel_fini(&tw);
}

static void
test_basic(uint32_t t0)
{
	struct sf_twheel tw;
	uint32_t i;

	SF_CHECK_EQ(sf_twheel_init(&tw, NIDS, SLOTS, t0, SOCKET_ID_ANY), 0);
	reset_fx(&tw);
	/* Armed in one order, due in another. */
	sf_twheel_arm(&tw, 3, t0 + 30);
	sf_twheel_arm(&tw, 1, t0 + 10);
	sf_twheel_arm(&tw, 2, t0 + 20);
	sf_twheel_arm(&tw, 4, t0 + 10);
	SF_CHECK_EQ(tw.tw_armed, 4);
	SF_CHECK(sf_twheel_armed(&tw, 1));
	SF_CHECK_EQ(advance(&tw, t0 + 9), 0);
	SF_CHECK_EQ(advance(&tw, t0 + 10), 2);
	SF_CHECK_EQ(fx.n, 2);
	SF_CHECK((fx.ids[0] == 1 && fx.ids[1] == 4) ||
		(fx.ids[0] == 4 && fx.ids[1] == 1));
	/* Cancel one, re-arm another later, cancel twice: harmless. */
	sf_twheel_cancel(&tw, 2);
	sf_twheel_cancel(&tw, 2);
	SF_CHECK(!sf_twheel_armed(&tw, 2));
	sf_twheel_arm(&tw, 3, t0 + 50);
	SF_CHECK_EQ(tw.tw_armed, 1);
	SF_CHECK_EQ(advance(&tw, t0 + 40), 0);
	SF_CHECK_EQ(advance(&tw, t0 + 49), 0);
	SF_CHECK_EQ(advance(&tw, t0 + 60), 1);
	SF_CHECK_EQ(fx.ids[2], 3);
	SF_CHECK_EQ(fx.at[2], t0 + 50);
	/* Exactly once. */
	SF_CHECK_EQ(advance(&tw, t0 + 10000), 0);
	SF_CHECK_EQ(tw.tw_armed, 0);
	/* A time already past fires at the next advance. */
	sf_twheel_arm(&tw, 5, t0 + 100);
	SF_CHECK_EQ(advance(&tw, t0 + 10001), 1);
	SF_CHECK_EQ(fx.ids[3], 5);

	/* Firing order over a run of ticks, many timers. */
	reset_fx(&tw);
	for (i = 0; i < NIDS; i++)
		sf_twheel_arm(&tw, i, t0 + 20000 + (i * 37) % NIDS * 3);
	SF_CHECK_EQ(advance(&tw, t0 + 20000 + 3 * NIDS), NIDS);
	for (i = 1; i < fx.n; i++)
		SF_CHECK(!sf_tick_before(fx.at[i], fx.at[i - 1]));
	for (i = 0; i < fx.n; i++)
		SF_CHECK_EQ(fx.at[i], t0 + 20000 + (fx.ids[i] * 37) % NIDS * 3);
	SF_CHECK_EQ(tw.tw_armed, 0);
	sf_twheel_fini(&tw);
}

/* Timers more than one turn away stay put until their turn. */
static void
test_long(uint32_t t0)
{
	struct sf_twheel tw;

	SF_CHECK_EQ(sf_twheel_init(&tw, NIDS, SLOTS, t0, SOCKET_ID_ANY), 0);
	reset_fx(&tw);
	sf_twheel_arm(&tw, 1, t0 + 100);
	sf_twheel_arm(&tw, 2, t0 + 100 + SLOTS);      /* same slot */
	sf_twheel_arm(&tw, 3, t0 + 100 + 3 * SLOTS);
	sf_twheel_arm(&tw, 4, t0 + 32000);
	SF_CHECK_EQ(advance(&tw, t0 + 100), 1);
	SF_CHECK_EQ(fx.ids[0], 1);
	SF_CHECK_EQ(advance(&tw, t0 + 99 + SLOTS), 0);
	SF_CHECK_EQ(advance(&tw, t0 + 100 + SLOTS), 1);
	SF_CHECK_EQ(fx.ids[1], 2);
	/* Tick by tick through several turns. */
	{
		uint32_t t;

		for (t = t0 + 101 + SLOTS; t != t0 + 32001; t++)
			advance(&tw, t);
	}
	SF_CHECK_EQ(fx.n, 4);
	SF_CHECK_EQ(fx.ids[2], 3);
	SF_CHECK_EQ(fx.at[2], t0 + 100 + 3 * SLOTS);
	SF_CHECK_EQ(fx.ids[3], 4);
	SF_CHECK_EQ(fx.at[3], t0 + 32000);
	sf_twheel_fini(&tw);
}

/* A long stall: everything overdue fires once, in order of its tick. */
static void
test_stall(uint32_t t0)
{
	struct sf_twheel tw;

	SF_CHECK_EQ(sf_twheel_init(&tw, NIDS, SLOTS, t0, SOCKET_ID_ANY), 0);
	reset_fx(&tw);
	sf_twheel_arm(&tw, 1, t0 + 1000);
	sf_twheel_arm(&tw, 2, t0 + 5000);     /* slot 904, before 1000 */
	sf_twheel_arm(&tw, 3, t0 + 9000);
	sf_twheel_arm(&tw, 4, t0 + 30000);    /* after the stall */
	SF_CHECK_EQ(advance(&tw, t0 + 10000), 3);
	SF_CHECK_EQ(fx.n, 3);
	SF_CHECK_EQ(fx.ids[0], 1);
	SF_CHECK_EQ(fx.ids[1], 2);
	SF_CHECK_EQ(fx.ids[2], 3);
	SF_CHECK(sf_twheel_armed(&tw, 4));
	SF_CHECK_EQ(advance(&tw, t0 + 29999), 0);
	SF_CHECK_EQ(advance(&tw, t0 + 100000), 1);
	SF_CHECK_EQ(fx.ids[3], 4);
	SF_CHECK_EQ(tw.tw_armed, 0);
	/* Nothing armed: a stall costs nothing and loses nothing. */
	SF_CHECK_EQ(advance(&tw, t0 + 2000000000u), 0);
	sf_twheel_arm(&tw, 5, t0 + 2000000005u);
	SF_CHECK_EQ(advance(&tw, t0 + 2000000004u), 0);
	SF_CHECK_EQ(advance(&tw, t0 + 2000000005u), 1);
	sf_twheel_fini(&tw);
}

/* Callbacks that re-arm themselves or cancel another timer. */
static void
test_callbacks(uint32_t t0)
{
	struct sf_twheel tw;

	SF_CHECK_EQ(sf_twheel_init(&tw, NIDS, SLOTS, t0, SOCKET_ID_ANY), 0);
	reset_fx(&tw);
	fx.rearm_id = 7;
	fx.rearm_ms = 250;
	sf_twheel_arm(&tw, 7, t0 + 10);
	SF_CHECK_EQ(advance(&tw, t0 + 10), 1);
	SF_CHECK(sf_twheel_armed(&tw, 7));
	SF_CHECK_EQ(advance(&tw, t0 + 259), 0);
	SF_CHECK_EQ(advance(&tw, t0 + 260), 1);
	SF_CHECK_EQ(fx.at[1], t0 + 260);
	SF_CHECK(!sf_twheel_armed(&tw, 7));

	/* Re-armed a whole turn later, into the slot being walked. */
	reset_fx(&tw);
	fx.rearm_id = 8;
	fx.rearm_ms = SLOTS;
	sf_twheel_arm(&tw, 8, t0 + 300);
	sf_twheel_arm(&tw, 9, t0 + 300);
	SF_CHECK_EQ(advance(&tw, t0 + 300), 2);
	SF_CHECK_EQ(advance(&tw, t0 + 299 + SLOTS), 0);
	SF_CHECK_EQ(advance(&tw, t0 + 300 + SLOTS), 1);

	/*
	 * A callback that cancels a timer due in the same slot (an
	 * application closing a second connection from on_close): the
	 * cancelled one must not fire, nor the wheel come apart.
	 */
	reset_fx(&tw);
	sf_twheel_arm(&tw, 10, t0 + 20000);
	sf_twheel_arm(&tw, 11, t0 + 20000);
	sf_twheel_arm(&tw, 12, t0 + 20000);
	/* The slot holds 12, 11, 10: firing 12 cancels 11, its next. */
	fx.fire_id = 12;
	fx.cancel_id = 11;
	SF_CHECK_EQ(advance(&tw, t0 + 20000), 2);
	SF_CHECK_EQ(fx.n, 2);
	SF_CHECK_EQ(fx.ids[0], 12);
	SF_CHECK_EQ(fx.ids[1], 10);
	SF_CHECK_EQ(tw.tw_armed, 0);
	SF_CHECK(!sf_twheel_armed(&tw, 11));
	SF_CHECK_EQ(tw.tw_slot[(t0 + 20000) & (SLOTS - 1)], SF_TW_NONE);
	/* And it still works. */
	sf_twheel_arm(&tw, 11, t0 + 20010);
	SF_CHECK_EQ(advance(&tw, t0 + 20010), 1);
	SF_CHECK_EQ(tw.tw_armed, 0);
	sf_twheel_fini(&tw);
}

int
main(int argc, char **argv)
{
	/* From 0, and across the wrap of the 32-bit tick. */
	static const uint32_t t0s[] = { 0, UINT32_MAX - 50,
		UINT32_MAX - 20000 };
	unsigned int i;

	sf_test_init(argc, argv);
	test_init();
	for (i = 0; i < RTE_DIM(t0s); i++) {
		test_basic(t0s[i]);
		test_long(t0s[i]);
		test_stall(t0s[i]);
		test_callbacks(t0s[i]);
	}
	return sf_test_done("test_twheel");
}
