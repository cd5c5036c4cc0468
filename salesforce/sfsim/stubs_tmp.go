package sfsim

type cursor struct{}

func (s *Server) versions() response                       { return errResp(notFound()) }
func (s *Server) resources(q *apiReq) response             { return errResp(notFound()) }
func (s *Server) query(q *apiReq, all bool) response       { return errResp(notFound()) }
func (s *Server) queryMore(q *apiReq, loc string) response { return errResp(notFound()) }
func (s *Server) dispatchSObjects(q *apiReq) response      { return errResp(notFound()) }
func (s *Server) dispatchCollections(q *apiReq) response   { return errResp(notFound()) }
func (s *Server) rowLockCollection(q *apiReq) response     { return errResp(notFound()) }
