; Sector momentum: hold the two sectors with the best 20-session return,
; unless the broad market is below its 50-session average, then short bonds.
(defsymphony "Sector Momentum" {:rebalance-frequency :daily}
  (if (> (current-price "SPY") (moving-average-price "SPY" {:window 50}))
    [(filter (cumulative-return {:window 20}) (select-top 2)
       [(asset "XLK" "Technology")
        (asset "XLE" "Energy")
        (asset "XLF" "Financials")
        (asset "QQQ" "Nasdaq-100")
        (asset "IWM" "Small caps")])]
    [(weight-equal [(asset "SHY") (asset "IEF")])]))
