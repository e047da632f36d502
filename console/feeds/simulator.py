"""The built-in live-stream simulator: practice mode and the load generator.

It turns what is on screen now (the presenting product, its price, discount and
stock, and the queue) into a plausible stream of raw audience events, so a
seller can rehearse without going live and the pipeline can be load-tested at a
chosen rate. It only reads the session state; the engine folds the events back
in. Every draw comes from one seeded `random.Random`, so a run can be replayed
exactly.

Flash deals move the crowd: orders for a live deal's units surge at its start
and again near its end (or its last units), each buyer keeps to the deal's
per-buyer limit and no step orders more than the deal has left; during a
countdown the product's orders pause while the chat counts down, and after a
sell-out the chat says so. Every order names a buyer id from a pool sized to
the audience, so limits can be kept and a buyer always shows the same name.

The hot path is per event, so text, names, like bursts and gifts are drawn
from pools built once, and events are ordered as small ints before any dict
is built (see `Simulator._chunk`).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from operator import attrgetter
from typing import Any

from console.domain.deals import Deal
from console.domain.money import exponent
from console.domain.state import SessionState, SkuState

# A queued product that is not being presented still sells, at this fraction
# of what it would sell on screen (people scroll the cart).
QUEUE_TRICKLE = 0.02
# Price at which a product sells at the preset's base rate, in major units.
REFERENCE_PRICE_MAJOR = 100
# Time constant, in seconds, with which the audience closes a gap to its goal.
CATCH_UP_S = 15.0
# Seconds over which the audience's slow drift forgets itself.
DRIFT_S = 60.0
# How many characters of a product title a viewer types.
TITLE_CHARS = 24
# Orders for a live deal's units: this many times the usual when it goes live,
# fading linearly to the usual over DEAL_SURGE_S seconds...
DEAL_SURGE = 8.0
DEAL_SURGE_S = 30.0
# ...and this many times again in its last DEAL_URGENCY_S seconds or once fewer
# than DEAL_URGENCY_LEFT of its units are left.
DEAL_URGENCY = 3.0
DEAL_URGENCY_S = 15.0
DEAL_URGENCY_LEFT = 0.10
# Comments per viewer during a countdown, relative to the usual.
COUNTDOWN_COMMENTS = 3.0
# How long after a sell-out the chat keeps talking about it.
SOLD_OUT_TALK_S = 60.0
# Buyers drawn for one deal order before giving up when each is at the limit.
BUYER_TRIES = 3
# Buyer ids per session: the people who come and go outnumber those online at once.
BUYERS_PER_VIEWER = 2
MIN_BUYERS = 100


@dataclass(frozen=True, slots=True)
class Preset:
    """An audience: its size and per-viewer habits (rates per viewer per second)."""

    name: str
    target_online: int
    ramp_s: float  # seconds to reach ~95% of the target after the session starts
    watch_s: float  # mean time a viewer stays; drives enter/leave churn
    noise: float  # relative spread of the audience's slow drift around the target
    comment_rate: float
    like_rate: float  # tap storms: each like event carries a burst count
    follow_rate: float
    share_rate: float
    gift_rate: float
    order_rate: float  # for a presented product at the reference price, no discount


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("small", 40, 90.0, 240.0, 0.10, 0.02, 0.03, 0.001, 0.0005, 0.0008, 0.0003),
        Preset("mid", 2_000, 120.0, 120.0, 0.06, 0.006, 0.01, 0.0004, 0.0002, 0.0002, 0.00015),
        Preset("mega", 300_000, 180.0, 90.0, 0.05, 0.004, 0.008, 0.0002, 0.0001, 0.0001, 0.00008),
    )
}

_GREETINGS = (
    "来了来了", "主播好", "主播晚上好", "刚来，今天卖什么", "每天都来蹲", "打卡", "第一次来",
    "老粉报到", "哈喽哈喽", "从上海来的", "广州的姐妹在吗", "下班就来看了",
    "hi!", "hello from Singapore", "hey everyone", "first time here", "good evening",
    "hi from KL 👋", "back again lol",
)  # fmt: skip
_QUESTIONS = (
    "多少钱", "多少钱？", "有链接吗", "链接在哪", "什么时候发货", "还有货吗", "包邮吗",
    "有优惠券吗", "能便宜点吗", "有几个颜色", "尺码怎么选", "160斤穿什么码", "偏大还是偏小",
    "能退吗", "保质期多久", "是正品吗", "几号链接", "上一个还能拍吗", "怎么没有库存了",
    "可以发顺丰吗", "新疆发货吗", "买两件有优惠吗", "这个适合敏感肌吗", "主播多高多重",
    "what size?", "how much?", "is it in stock?", "do you ship to Malaysia?",
    "link please", "what colours are there?", "is there a discount code?",
    "which size are you wearing?", "can I return it?", "how long is shipping?",
)  # fmt: skip
_PRAISE = (
    "好看", "太好看了", "太划算了", "已拍", "拍了拍了", "买了两件", "质量很好", "上次买的很好用",
    "回购第三次了", "主播辛苦了", "主播好美", "这个价格绝了", "冲冲冲", "抢到了！", "没抢到😭",
    "求返场", "666", "爱了爱了", "❤️❤️❤️", "😍", "👍👍",
    "love it", "so cute", "great price", "just ordered!", "got it 🎉", "missed it 😭",
    "restock please", "amazing deal", "looks so good",
)  # fmt: skip
_CHATTER = (
    "哈哈哈", "主播声音好好听", "背景音乐叫什么", "点赞点赞", "关注了", "分享给闺蜜了", "等下一个",
    "换个颜色看看", "能再试穿一下吗", "近一点看看", "灯光好亮", "卡了吗", "好多人啊",
    "lol", "can you show it closer?", "try the other colour", "sound is low", "so many people",
    "waiting for the next one", "shared it with my sister",
)  # fmt: skip
_MENTIONS = (
    "{t}还有吗", "{t}多少钱", "想要{t}", "{t}什么时候发货", "{t}有几个颜色", "{t}链接在哪",
    "{t}上身效果怎么样", "已拍{t}", "{t}真的好看", "is the {t} still available?",
    "how much is the {t}?", "just bought the {t}!",
)  # fmt: skip
# Repeating a group sets its share of the comment mix.
_BASE_COMMENTS = _GREETINGS + _QUESTIONS * 2 + _PRAISE * 2 + _CHATTER
# While a deal counts down, and after one sells out: about half of all comments.
_COUNTDOWN_TALK = (
    "3、2、1 上链接!", "3、2、1 上链接!", "等秒杀", "等秒杀", "抢到了吗", "倒计时了", "准备好了",
    "手指已就位", "秒杀什么时候开始", "蹲一个", "waiting for the flash sale", "ready!",
    "3 2 1 go!", "is it starting?",
)  # fmt: skip
_SOLD_OUT_TALK = (
    "没抢到", "没抢到", "sold out already?", "还能补货吗", "还能补货吗", "手慢了", "这么快就没了",
    "求返场", "抢到了！", "restock please", "missed it 😭", "any more coming?",
)  # fmt: skip

_GIFTS = (  # name, value of one in minor units of a two-decimal currency, weight
    ("小心心", 10, 30), ("玫瑰", 10, 20), ("人气票", 10, 15), ("Rose", 10, 8),
    ("棒棒糖", 90, 10), ("啤酒", 200, 8), ("墨镜", 990, 4), ("爱心发射", 5_200, 2),
    ("跑车", 120_000, 1), ("嘉年华", 300_000, 0.3),
)  # fmt: skip
_GIFT_COUNTS = (1, 1, 1, 1, 1, 1, 2, 3, 5, 10, 66, 99)
_QTYS = (1,) * 16 + (2, 2, 2, 3)
_POOL = 512  # size of the precomputed draw tables
_PRICE = attrgetter("price_minor")
# Kind codes, in the order of the per-viewer rates in `Simulator._chunk`.
_COMMENT, _LIKE, _FOLLOW, _SHARE, _GIFT, _ORDER, _ENTER = range(7)


@cache
def _names() -> tuple[str, ...]:
    """Viewer names: Chinese nicknames and English handles, built once per process."""
    rng = random.Random(20_240_601)
    small = ("小", "阿", "大", "老")
    chars = (
        "橘子", "鱼", "美", "王", "花花", "七", "糖", "猫", "兔", "米", "乐", "静", "佳",
        "月", "雪", "桃", "豆豆", "芒果", "柚子",
    )  # fmt: skip
    likes = ("爱吃鱼的", "不吃香菜的", "快乐的", "睡不醒的", "减肥中的", "会飞的", "爱购物的")
    nouns = ("猫", "小熊", "兔子", "柠檬", "胖达", "小仙女", "打工人", "宝妈")
    surnames = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴")
    kin = ("姐", "哥", "妈妈", "小姐", "阿姨", "同学")
    first = (
        "lily", "mike", "amy", "kevin", "jess", "sunny", "tom", "grace", "leo", "nina",
        "ryan", "zoe", "alex", "mia", "jack", "chloe",
    )  # fmt: skip
    tails = ("_chen", "88", ".w", "_shops", "_tan", "2024", "_lee", "x", "_official", "_99")
    cute = ("呀", "酱", "宝宝", "bb", "子", "")

    def one() -> str:
        form = rng.random()
        if form < 0.2:
            return rng.choice(small) + rng.choice(chars) + rng.choice(cute)
        if form < 0.35:
            return rng.choice(likes) + rng.choice(nouns)
        if form < 0.47:
            return rng.choice(surnames) + rng.choice(kin)
        if form < 0.57:
            return "用户" + str(rng.randrange(1_000_000, 10_000_000_000))
        if form < 0.65:
            return rng.choice(chars) + rng.choice(chars) + rng.choice(cute)
        if form < 0.9:
            digits = str(rng.randrange(10, 100)) if rng.random() < 0.3 else ""
            return rng.choice(first) + rng.choice(tails) + digits
        return rng.choice(first).capitalize() + rng.choice(first).capitalize()[0]

    # Repeats are kept on purpose: a regular shows up in the feed more than once.
    return tuple(one() for _ in range(4_000))


@cache
def _like_bursts() -> tuple[int, ...]:
    """Likes per tap storm: mostly a handful, sometimes hundreds."""
    rng = random.Random(7)
    return tuple(
        1 + int(rng.expovariate(1 / 12) * (5 if rng.random() < 0.05 else 1)) for _ in range(_POOL)
    )


@cache
def _gift_draws() -> tuple[tuple[str, int, int], ...]:
    """(gift, count, value of one gift in minor units of a two-decimal currency)."""
    rng = random.Random(11)
    weights = [w for _, _, w in _GIFTS]
    draws = []
    for _ in range(_POOL):
        name, unit, _w = rng.choices(_GIFTS, weights)[0]
        count = rng.choice(_GIFT_COUNTS) if unit < 1_000 else 1
        draws.append((name, count, unit))
    return tuple(draws)


def _buyer_id(buyer: int) -> str:
    return f"b{buyer:06d}"


def _deal_boost(deal: Deal, at_ms: int, left: int) -> float:
    """How many times the usual orders a live deal's units draw at `at_ms`."""
    started = deal.live_at_ms if deal.started_at_ms is None else deal.started_at_ms
    since_s = (at_ms - started) / 1000
    boost = 1.0 + (DEAL_SURGE - 1.0) * min(1.0, max(0.0, 1.0 - since_s / DEAL_SURGE_S))
    if deal.ends_at_ms - at_ms <= DEAL_URGENCY_S * 1000 or left < DEAL_URGENCY_LEFT * deal.quantity:
        boost *= DEAL_URGENCY
    return boost


def _by_deal(
    state: SessionState, units: list[SkuState]
) -> list[tuple[Deal | None, list[SkuState]]]:
    """Units grouped by the live deal they are under (or none), in catalog order.

    A list, not a dict: a Deal is mutable, so not hashable.
    """
    groups: list[tuple[Deal | None, list[SkuState]]] = []
    for unit in units:
        deal = state.live_deal_for(unit.sku)
        for other, group in groups:
            if other is deal:
                group.append(unit)
                break
        else:
            groups.append((deal, [unit]))
    return groups


class _Market:
    """What can be bought during one step, and what this step has ordered so far.

    A plain class: one is built every step, and a dataclass's init is slower.
    """

    __slots__ = (
        "comment_boost", "cum_weights", "deal_bought", "deal_sold", "deals", "offers",
        "remaining", "weights",
    )  # fmt: skip

    def __init__(
        self, offers: list[list[SkuState]], weights: list[float], deals: dict[int, Deal]
    ) -> None:
        self.offers = offers  # units sold under one weight: a product, or its deal units
        self.weights = weights
        self.cum_weights = list(accumulate(weights))
        self.deals = deals  # offer index -> the live deal its units are under
        self.comment_boost = 1.0
        self.remaining: dict[str, int] = {}  # stock left after this step's orders so far
        self.deal_sold: dict[int, int] = {}  # deal_id -> units ordered this step
        self.deal_bought: dict[tuple[int, int], int] = {}  # (deal_id, buyer) -> units

    def deal_left(self, deal: Deal) -> int:
        return deal.left - self.deal_sold.get(deal.deal_id, 0)

    def weights_at(self, at_ms: int) -> list[float]:
        """Cumulative offer weights, with each live deal's surge at `at_ms`."""
        if not self.deals:
            return self.cum_weights
        weights = list(self.weights)
        for i, deal in self.deals.items():
            left = self.deal_left(deal)
            weights[i] = weights[i] * _deal_boost(deal, at_ms, left) if left > 0 else 0.0
        return list(accumulate(weights))


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw: Knuth's product method when small, normal approximation when large."""
    if lam <= 0.0:
        return 0
    if lam < 30.0:
        limit = math.exp(-lam)
        rnd = rng.random
        k = 0
        p = rnd()
        while p > limit:
            k += 1
            p *= rnd()
        return k
    return max(0, int(lam + math.sqrt(lam) * rng.gauss(0.0, 1.0) + 0.5))


@lru_cache(maxsize=4096)  # it runs for every product every step, and prices rarely change
def _appeal(price_minor: int, compare_at_minor: int | None, reference_minor: int) -> float:
    """How well a product sells relative to the reference: cheaper and deeper-discounted sell more."""
    price_factor = min(5.0, max(0.05, math.sqrt(reference_minor / max(price_minor, 1))))
    discount = 0.0
    if compare_at_minor and compare_at_minor > price_minor:
        discount = 1.0 - price_minor / compare_at_minor
    return price_factor * (1.0 + 5.0 * discount)


class Simulator:
    """A seeded audience for one session; `step` is called with the engine's clock.

    `rate` fixes the total events per simulated second (load tests) by scaling
    every kind alike; the audience size still follows the preset.
    """

    def __init__(self, preset: str = "mid", seed: int = 0, rate: float | None = None) -> None:
        if preset not in PRESETS:
            raise ValueError(
                f"unknown simulator preset {preset!r}; choose one of {', '.join(PRESETS)}"
            )
        if rate is not None and not (rate > 0 and math.isfinite(rate)):
            raise ValueError(f"rate must be a positive number of events per second, got {rate!r}")
        self.preset = PRESETS[preset]
        self.seed = seed
        self.rate = rate
        self._rng = random.Random(seed)
        self._started = False
        self._start_ms = 0
        self._online = 0
        self._drift = 0.0
        self._order_no = 0
        self._n_buyers = max(MIN_BUYERS, BUYERS_PER_VIEWER * self.preset.target_online)
        self._mention_title: str | None = None
        self._mood = ""  # "", "countdown" or "sold_out": what the chat is about
        self._comments: tuple[str, ...] = _BASE_COMMENTS

    def step(self, state: SessionState, now_ms: int, dt_ms: int) -> list[dict[str, Any]]:
        """The raw audience events in (now_ms - dt_ms, now_ms], in time order.

        The interval is cut at whole seconds, so the audience moves and a
        `viewers` count is reported once per simulated second whatever dt is.
        """
        if dt_ms < 0:
            raise ValueError(f"dt_ms must not be negative, got {dt_ms}")
        lo = now_ms - dt_ms
        if not self._started:
            # Resuming a session carries on from its audience instead of ramping again.
            self._started = True
            self._online = max(0, state.totals.viewers)
            self._start_ms = state.started_at_ms if state.started_at_ms is not None else lo
        any_live = sold_out = False
        paused: set[str] = set()  # products whose deal counts down: buyers wait for the price
        if state.deals:
            for deal in state.deals.values():
                if deal.ended_at_ms is not None:
                    if deal.end_reason == "sold_out":
                        sold_out |= 0 <= now_ms - deal.ended_at_ms < SOLD_OUT_TALK_S * 1000
                    continue
                status = deal.status(now_ms)
                if status == "live":
                    any_live = True
                elif status == "countdown":
                    paused.add(deal.product_sku)
        market = self._market(state, any_live, paused)
        mood = ""
        if paused:
            market.comment_boost = COUNTDOWN_COMMENTS
            mood = "countdown"
        elif sold_out:
            mood = "sold_out"
        comments = self._comment_pool(state, mood)
        scale = 10 ** exponent(state.currency)
        out: list[dict[str, Any]] = []
        while lo < now_ms:
            hi = min(now_ms, (lo // 1000 + 1) * 1000)
            self._chunk(out, lo, hi, market, comments, scale)
            lo = hi
        return out

    def _market(self, state: SessionState, any_live: bool, paused: set[str]) -> _Market:
        """What a viewer can buy now: the products, a live deal's units apart, with weights."""
        reference = REFERENCE_PRICE_MAJOR * 10 ** exponent(state.currency)
        order = [state.presenting] if state.presenting is not None else []
        order += [sku for sku in state.queue if sku != state.presenting]
        offers: list[list[SkuState]] = []
        weights: list[float] = []
        deals: dict[int, Deal] = {}
        for product_sku in dict.fromkeys(order):
            ps = state.products.get(product_sku)
            if ps is None or ps.removed or product_sku in paused:
                continue
            in_stock = [s for s in state.skus_of(product_sku) if s.stock > 0]
            if not in_stock:
                continue
            trickle = 1.0 if product_sku == state.presenting else QUEUE_TRICKLE
            if not any_live:  # the usual case, kept to the point: it runs every step
                cheapest = min(in_stock, key=_PRICE)
                weight = _appeal(cheapest.price_minor, cheapest.compare_at_minor, reference)
                offers.append(in_stock)
                weights.append(weight * trickle)
                continue
            for deal, units in _by_deal(state, in_stock):
                cheapest = min(units, key=_PRICE)
                if deal is None:
                    weight = _appeal(cheapest.price_minor, cheapest.compare_at_minor, reference)
                else:  # sold at the deal price, against the regular (or compare-at) price
                    deals[len(offers)] = deal
                    regular = max(cheapest.compare_at_minor or 0, cheapest.price_minor)
                    weight = _appeal(deal.deal_price_minor, regular, reference)
                offers.append(units)
                weights.append(weight * trickle)
        return _Market(offers, weights, deals)

    def _comment_pool(self, state: SessionState, mood: str) -> tuple[str, ...]:
        """Comments, about one in eight naming the presenting product, and about half
        countdown or sell-out talk in that `mood`; rebuilt when either changes."""
        ps = state.products.get(state.presenting) if state.presenting is not None else None
        title = ps.product.title.strip()[:TITLE_CHARS] if ps is not None else ""
        if title != self._mention_title or mood != self._mood:
            self._mention_title, self._mood = title, mood
            mentions = tuple(m.format(t=title) for m in _MENTIONS) if title else ()
            pool = _BASE_COMMENTS + mentions * 2
            talk = {"countdown": _COUNTDOWN_TALK, "sold_out": _SOLD_OUT_TALK}.get(mood, ())
            if talk:
                pool += talk * max(1, len(pool) // len(talk))
            self._comments = pool
        return self._comments

    def _move_audience(self, hi: int, dt_s: float) -> int:
        """Advance the online count by one slice; returns how many viewers arrived."""
        p = self.preset
        rng = self._rng
        online = self._online
        elapsed_s = max(0.0, (hi - self._start_ms) / 1000)
        ramp = 1.0 - math.exp(-3.0 * elapsed_s / p.ramp_s)
        decay = math.exp(-dt_s / DRIFT_S)
        spread = p.noise * math.sqrt(1.0 - decay * decay)
        self._drift = max(-0.25, min(0.25, self._drift * decay + spread * rng.gauss(0.0, 1.0)))
        goal = p.target_online * ramp * (1.0 + self._drift)
        churn = online / p.watch_s
        arrivals = _poisson(rng, max(0.0, churn + (goal - online) / CATCH_UP_S) * dt_s)
        leaves = min(online, _poisson(rng, churn * dt_s))
        self._online = online + arrivals - leaves
        return arrivals

    def _chunk(
        self,
        out: list[dict[str, Any]],
        lo: int,
        hi: int,
        market: _Market,
        comments: tuple[str, ...],
        scale: int,
    ) -> None:
        """Append the events of (lo, hi], a slice within one second, in time order.

        Each event is first a sortable int (millisecond offset << 3 | kind) and
        the dicts are then built in time order: sorting small ints is cheap, and
        dicts allocated in the order they are read keep the rest of the
        pipeline walking memory sequentially.
        """
        p = self.preset
        rng = self._rng
        rnd = rng.random
        span = hi - lo
        base = lo + 1
        dt_s = span / 1000
        arrivals = self._move_audience(hi, dt_s)
        reports_viewers = hi % 1000 == 0
        cum_weights = market.weights_at(hi)
        appeal = cum_weights[-1] if cum_weights else 0.0
        per_viewer = (
            p.comment_rate * market.comment_boost, p.like_rate, p.follow_rate, p.share_rate,
            p.gift_rate, p.order_rate * appeal,
        )  # fmt: skip
        if self.rate is None:
            factor = self._online * dt_s
        else:
            fixed = int(reports_viewers) + int(arrivals > 0)
            factor = max(0.0, self.rate * dt_s - fixed) / sum(per_viewer)
        keys: list[int] = []
        for kind, r in enumerate(per_viewer):
            keys += [int(rnd() * span) << 3 | kind for _ in range(_poisson(rng, r * factor))]
        if arrivals:
            keys.append(int(rnd() * span) << 3 | _ENTER)
        keys.sort()

        names = _names()
        n_names = len(names)
        n_texts = len(comments)
        bursts = _like_bursts()
        gifts = _gift_draws()
        append = out.append
        for key in keys:
            kind = key & 7
            ts = base + (key >> 3)
            if kind == _LIKE:
                append({"kind": "like", "ts_ms": ts, "count": bursts[int(rnd() * _POOL)]})
            elif kind == _COMMENT:
                append(
                    {
                        "kind": "comment",
                        "ts_ms": ts,
                        "user": names[int(rnd() * n_names)],
                        "text": comments[int(rnd() * n_texts)],
                    }
                )
            elif kind in (_FOLLOW, _SHARE):
                append(
                    {
                        "kind": "follow" if kind == _FOLLOW else "share",
                        "ts_ms": ts,
                        "user": names[int(rnd() * n_names)],
                    }
                )
            elif kind == _GIFT:
                gift, count, value = gifts[int(rnd() * _POOL)]
                append(
                    {
                        "kind": "gift",
                        "ts_ms": ts,
                        "user": names[int(rnd() * n_names)],
                        "gift": gift,
                        "count": count,
                        "value_minor": max(1, value * scale // 100),
                    }
                )
            elif kind == _ORDER:
                sku, qty, buyer = self._pick_order(market, cum_weights)
                if qty:
                    self._order_no += 1
                    append(
                        {
                            "kind": "order",
                            "ts_ms": ts,
                            "order_id": f"S{self.seed}-{self._order_no}",
                            "buyer": names[buyer % n_names],
                            "buyer_id": _buyer_id(buyer),
                            "sku": sku,
                            "qty": qty,
                        }
                    )
            else:
                append({"kind": "enter", "ts_ms": ts, "count": arrivals})
        if reports_viewers:
            append({"kind": "viewers", "ts_ms": hi, "online": self._online})

    def _pick_order(self, market: _Market, cum_weights: list[float]) -> tuple[str, int, int]:
        """An offer by appeal, a unit by stock left, a buyer: (sku, qty, buyer).

        qty is 0 when the unit has sold out, or its deal, or no buyer drawn may buy more.
        """
        rnd = self._rng.random
        i = min(bisect_right(cum_weights, rnd() * cum_weights[-1]), len(market.offers) - 1)
        units = market.offers[i]
        remaining = market.remaining
        bounds = list(accumulate(remaining.get(s.sku, s.stock) for s in units))
        if bounds[-1] <= 0:
            return "", 0, 0
        j = bisect_right(bounds, rnd() * bounds[-1])
        left = bounds[j] - (bounds[j - 1] if j else 0)
        qty = min(left, _QTYS[int(rnd() * len(_QTYS))])
        buyer = int(rnd() * self._n_buyers)
        if market.deals:
            deal = market.deals.get(i)
            if deal is not None:
                qty, buyer = self._deal_order(market, deal, qty, buyer)
                if not qty:
                    return "", 0, 0
        remaining[units[j].sku] = left - qty
        return units[j].sku, qty, buyer

    def _deal_order(self, market: _Market, deal: Deal, qty: int, buyer: int) -> tuple[int, int]:
        """Fit an order on a live deal to what it has left and to the buyer's limit.

        A buyer at the limit gives way to another (at most BUYER_TRIES in all);
        the order is dropped (qty 0) when none may buy or the deal is gone.
        """
        left = market.deal_left(deal)
        if left <= 0:
            return 0, buyer
        did = deal.deal_id
        bought = market.deal_bought
        for _ in range(BUYER_TRIES):
            key = (did, buyer)
            allowed = deal.per_buyer - deal.buyers.get(_buyer_id(buyer), 0) - bought.get(key, 0)
            if allowed > 0:
                qty = min(qty, allowed, left)
                bought[key] = bought.get(key, 0) + qty
                market.deal_sold[did] = market.deal_sold.get(did, 0) + qty
                return qty, buyer
            buyer = int(self._rng.random() * self._n_buyers)
        return 0, buyer
