; Balanced: 60/40 stocks and bonds, with gold taking the bond sleeve when
; bonds are in a deep drawdown.
(defsymphony "Balanced 60/40" {:rebalance-frequency :daily}
  (weight-specified
    60 (weight-equal [(asset "SPY") (asset "DIA")])
    40 (if (>= (max-drawdown "TLT" {:window 60}) 10)
         [(asset "GLD")]
         [(weight-specified 0.5 (asset "TLT") 0.5 (asset "IEF"))])))
