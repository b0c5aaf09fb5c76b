package awsapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// restRoute is a Route compiled: its path's segments, a {label} or a
// greedy {label+} among them.
type restRoute struct {
	svc      *Service
	method   string
	segments []string
	op       string
	status   int
}

func compileRoute(svc *Service, r Route) (restRoute, error) {
	if !strings.HasPrefix(r.Path, "/") || strings.Contains(r.Path, "?") {
		return restRoute{}, fmt.Errorf("awsapi: service %s: route path %q must start with / and hold no query", svc.SigningName, r.Path)
	}
	segs := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
	for i, s := range segs {
		if strings.HasSuffix(s, "+}") && i != len(segs)-1 {
			return restRoute{}, fmt.Errorf("awsapi: service %s: route %s: a greedy label must be last", svc.SigningName, r.Path)
		}
	}
	return restRoute{svc: svc, method: r.Method, segments: segs, op: r.Operation, status: r.Status}, nil
}

// match binds the route's labels to the request path's segments
// (unescaped); ok is false when the path is not the route's.
func (rt *restRoute) match(segs []string) (labels map[string]string, ok bool) {
	labels = map[string]string{}
	for i, s := range rt.segments {
		if name, found := strings.CutPrefix(s, "{"); found && strings.HasSuffix(name, "}") {
			if greedy, isGreedy := strings.CutSuffix(name, "+}"); isGreedy {
				if i >= len(segs) {
					return nil, false
				}
				labels[greedy] = strings.Join(segs[i:], "/")
				return labels, labels[greedy] != ""
			}
			if i >= len(segs) || segs[i] == "" {
				return nil, false
			}
			labels[strings.TrimSuffix(name, "}")] = segs[i]
			continue
		}
		if i >= len(segs) || segs[i] != s {
			return nil, false
		}
	}
	return labels, len(segs) == len(rt.segments)
}

// pathSegments splits the request's escaped path and unescapes each
// segment, so an escaped / (an ARN's, a log group's) stays in its label.
func pathSegments(r *http.Request) ([]string, error) {
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, err
		}
		segs[i] = u
	}
	return segs, nil
}

// route finds the route of a request; a path that a route has with
// another method is named in the error.
func (s *Server) route(r *http.Request) (*restRoute, map[string]string, *Error) {
	segs, err := pathSegments(r)
	if err != nil {
		return nil, nil, &Error{Code: CodeUnknownOperation, Status: http.StatusNotFound, Message: fmt.Sprintf("the path %q is not escaped right: %v", truncate(r.URL.Path), err)}
	}
	var methods []string
	for i := range s.routes {
		rt := &s.routes[i]
		labels, ok := rt.match(segs)
		if !ok {
			continue
		}
		if rt.method == r.Method {
			return rt, labels, nil
		}
		methods = append(methods, rt.method)
	}
	msg := fmt.Sprintf("no operation at %s %s", r.Method, truncate(r.URL.Path))
	if len(methods) > 0 {
		msg += " (the path takes " + strings.Join(methods, ", ") + ")"
	}
	return nil, nil, &Error{Code: CodeUnknownOperation, Status: http.StatusNotFound, Message: msg}
}

// serveREST answers a restJson1 request.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	rt, labels, rerr := s.route(r)
	if rerr != nil {
		writeRESTError(w, rerr)
		s.observe(signingName(r), "", rerr)
		return
	}
	out, err := s.runREST(r, rt, labels)
	s.observe(rt.svc.SigningName, rt.op, err)
	if err != nil {
		writeRESTError(w, awsError(err))
		return
	}
	if err := writeRESTOutput(w, out, rt.status); err != nil {
		writeRESTError(w, internal(err))
	}
}

func (s *Server) runREST(r *http.Request, rt *restRoute, labels map[string]string) (any, error) {
	op := rt.svc.Operations[rt.op]
	body, berr := readBody(r)
	if berr != nil {
		return nil, berr
	}
	in := op.newInput()
	if err := bindREST(r, body, labels, in); err != nil {
		return nil, err
	}
	return call(r.Context(), op, in)
}

// writeRESTError writes e as Lambda's REST errors are: the code in
// X-Amzn-ErrorType (which the SDKs read first), a JSON body with Type
// (User or Service) and the message. The message is under both
// "message" and "Message": Lambda's error shapes spell the member
// either way (ResourceNotFoundException has Message, most others
// message), the Go SDK reads a typed error's members by exact name, and
// botocore reads either
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors).
func writeRESTError(w http.ResponseWriter, e *Error) {
	typ := "User"
	if e.Server {
		typ = "Service"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-RequestId", requestID())
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(e.status())
	b, _ := json.Marshal(restError{Type: typ, Message: e.Message, MessageUpper: e.Message})
	_, _ = w.Write(b)
}

type restError struct {
	Type         string `json:"Type"`
	Message      string `json:"message"`
	MessageUpper string `json:"Message"`
}
