package paper

import "net/http"

// deleteOrder cancels an open order as Alpaca's DELETE /v2/orders/{id}
// does (https://docs.alpaca.markets/reference/cancel-an-order-by-id):
// 204 with no body when the order was open (new, accepted or partially
// filled), which then reads canceled with its partial fill kept and no
// longer holds cash or shares; 422 when it can no longer be cancelled
// (filled, canceled, expired, rejected); 404 for an unknown id. Alpaca
// passes through pending_cancel first; here the cancel is immediate. A
// fill still hidden by FillDelay has happened, so it cannot be cancelled.
func (x *Exchange) deleteOrder(w http.ResponseWriter, r *http.Request) {
	x.mu.Lock()
	defer x.mu.Unlock()
	a, id := accountOf(r), r.PathValue("id")
	o, ok := a.byID[id]
	switch {
	case !ok:
		writeError(w, http.StatusNotFound, codeNotFound, "order not found for %s", id)
	case o.Status != "new" && o.Status != "partially_filled":
		writeError(w, http.StatusUnprocessableEntity, codeInvalid, "order is not cancelable (status %s)", o.Status)
	default:
		o.Status = "canceled"
		delete(a.open, o.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}
