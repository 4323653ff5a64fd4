"""Fraud and suspicious activity (no reflex here).

- `rules`: each rule looks at one checkout (`OrderFacts`) and returns its hits, each with points
  and a reason; `screening` adds them up into allow / review / refuse (thresholds in
  `Settings.risk`) and records the assessment. Checkout calls `screen_checkout` before the
  order is committed; a payment calls `screen_payment` before the tickets are issued.
- `blocks`: blocked e-mail addresses, domains and IP ranges (with reason, who, when, expiry).
- `attempts`: payment tries (declines, cards) that the velocity and card-testing rules count.
- `review`: the admin queue of held orders: approve (tickets issued, mail sent) or reject (refund).
- `events`: the security view's read side; `alerts`: thresholds crossed → one mail per window.
- `bots`: honeypot and time check for public forms, sign-ups per IP.
"""
