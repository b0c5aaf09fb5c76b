; RSI risk switch: step out of equities when they are overbought or the
; trend breaks, into the lowest-volatility defensive asset.
(defsymphony "RSI Risk Switch" {:rebalance-frequency :daily}
  (if (> (rsi "SPY" {:window 10}) 79)
    [(asset "BIL" "T-Bills")]
    [(if (< (exponential-moving-average-price "QQQ" {:window 20})
            (moving-average-price "QQQ" {:window 100}))
       [(filter (stdev-return {:window 20}) (select-bottom 1)
          [(asset "TLT") (asset "GLD") (asset "SHY")])]
       [(group "equities"
          [(weight-equal [(asset "QQQ") (asset "SPY")])])])]))
