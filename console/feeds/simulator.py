"""The built-in live-stream simulator: practice mode and the load generator.

It turns what is on screen now (the presenting product, its price, discount and
stock, and the queue) into a plausible stream of raw audience events, so a
seller can rehearse without going live and the pipeline can be load-tested at a
chosen rate. It only reads the session state; the engine folds the events back
in. Every draw comes from one seeded `random.Random`, so a run can be replayed
exactly.

The hot path is per event, so text, names, like bursts and gifts are drawn
from pools built once, and events are ordered as small ints before any dict
is built (see `Simulator._chunk`).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Any

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

_GIFTS = (  # name, value of one in minor units of a two-decimal currency, weight
    ("小心心", 10, 30), ("玫瑰", 10, 20), ("人气票", 10, 15), ("Rose", 10, 8),
    ("棒棒糖", 90, 10), ("啤酒", 200, 8), ("墨镜", 990, 4), ("爱心发射", 5_200, 2),
    ("跑车", 120_000, 1), ("嘉年华", 300_000, 0.3),
)  # fmt: skip
_GIFT_COUNTS = (1, 1, 1, 1, 1, 1, 2, 3, 5, 10, 66, 99)
_QTYS = (1,) * 16 + (2, 2, 2, 3)
_POOL = 512  # size of the precomputed draw tables
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
        self._mention_title: str | None = None
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
        products, cum_weights = self._market(state)
        comments = self._comment_pool(state)
        scale = 10 ** exponent(state.currency)
        remaining: dict[str, int] = {}  # stock left after this step's orders so far
        out: list[dict[str, Any]] = []
        while lo < now_ms:
            hi = min(now_ms, (lo // 1000 + 1) * 1000)
            self._chunk(out, lo, hi, products, cum_weights, comments, scale, remaining)
            lo = hi
        return out

    def _market(self, state: SessionState) -> tuple[list[list[SkuState]], list[float]]:
        """The products a viewer can buy now, with cumulative order weights."""
        reference = REFERENCE_PRICE_MAJOR * 10 ** exponent(state.currency)
        order = [state.presenting] if state.presenting is not None else []
        order += [sku for sku in state.queue if sku != state.presenting]
        products: list[list[SkuState]] = []
        weights: list[float] = []
        for product_sku in dict.fromkeys(order):
            ps = state.products.get(product_sku)
            if ps is None or ps.removed:
                continue
            in_stock = [s for s in state.skus_of(product_sku) if s.stock > 0]
            if not in_stock:
                continue
            cheapest = min(in_stock, key=lambda s: s.price_minor)
            weight = _appeal(cheapest.price_minor, cheapest.compare_at_minor, reference)
            products.append(in_stock)
            weights.append(weight if product_sku == state.presenting else weight * QUEUE_TRICKLE)
        return products, list(accumulate(weights))

    def _comment_pool(self, state: SessionState) -> tuple[str, ...]:
        """Comments, about one in eight naming the presenting product; rebuilt on a switch."""
        ps = state.products.get(state.presenting) if state.presenting is not None else None
        title = ps.product.title.strip()[:TITLE_CHARS] if ps is not None else ""
        if title != self._mention_title:
            self._mention_title = title
            mentions = tuple(m.format(t=title) for m in _MENTIONS) if title else ()
            self._comments = _BASE_COMMENTS + mentions * 2
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
        products: list[list[SkuState]],
        cum_weights: list[float],
        comments: tuple[str, ...],
        scale: int,
        remaining: dict[str, int],
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
        market = cum_weights[-1] if cum_weights else 0.0
        per_viewer = (
            p.comment_rate, p.like_rate, p.follow_rate, p.share_rate, p.gift_rate,
            p.order_rate * market,
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
                sku, qty = self._pick_order(products, cum_weights, remaining)
                if qty:
                    self._order_no += 1
                    append(
                        {
                            "kind": "order",
                            "ts_ms": ts,
                            "order_id": f"S{self.seed}-{self._order_no}",
                            "buyer": names[int(rnd() * n_names)],
                            "sku": sku,
                            "qty": qty,
                        }
                    )
            else:
                append({"kind": "enter", "ts_ms": ts, "count": arrivals})
        if reports_viewers:
            append({"kind": "viewers", "ts_ms": hi, "online": self._online})

    def _pick_order(
        self, products: list[list[SkuState]], cum_weights: list[float], remaining: dict[str, int]
    ) -> tuple[str, int]:
        """A product by appeal, then a unit by stock left; qty 0 when it has sold out."""
        rnd = self._rng.random
        i = min(bisect_right(cum_weights, rnd() * cum_weights[-1]), len(products) - 1)
        units = products[i]
        bounds = list(accumulate(remaining.get(s.sku, s.stock) for s in units))
        if bounds[-1] <= 0:
            return "", 0
        j = bisect_right(bounds, rnd() * bounds[-1])
        left = bounds[j] - (bounds[j - 1] if j else 0)
        qty = min(left, _QTYS[int(rnd() * len(_QTYS))])
        remaining[units[j].sku] = left - qty
        return units[j].sku, qty
