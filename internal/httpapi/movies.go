package httpapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"movieapi/internal/domain"
)

// movieRequest is the body of add and update. Pointers tell a missing field
// (422) from a zero value (which the domain may reject with 400).
type movieRequest struct {
	Title *string  `json:"title"`
	Year  *int32   `json:"year"`
	Stars *float64 `json:"stars"`
}

func (m movieRequest) movie() (domain.Movie, error) {
	switch {
	case m.Title == nil:
		return domain.Movie{}, unprocessable("field title is required")
	case m.Year == nil:
		return domain.Movie{}, unprocessable("field year is required")
	case m.Stars == nil:
		return domain.Movie{}, unprocessable("field stars is required")
	}
	return domain.Movie{Title: *m.Title, Year: int(*m.Year), Stars: *m.Stars}, nil
}

type movieEnvelope struct {
	Data domain.Movie `json:"data"`
}

type createdBody struct {
	ID string `json:"id"`
}

func (s *AppState) getMovie(w http.ResponseWriter, r *http.Request) error {
	movie, err := s.Movies.Get(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, movieEnvelope{Data: movie})
	return nil
}

func (s *AppState) addMovie(w http.ResponseWriter, r *http.Request) error {
	movie, err := decodeMovie(w, r)
	if err != nil {
		return err
	}
	id, err := s.Movies.Add(r.Context(), movie)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/movies/get/"+id)
	writeJSON(w, http.StatusCreated, createdBody{ID: id})
	return nil
}

func (s *AppState) updateMovie(w http.ResponseWriter, r *http.Request) error {
	movie, err := decodeMovie(w, r)
	if err != nil {
		return err
	}
	stored, err := s.Movies.Update(r.Context(), chi.URLParam(r, "id"), movie)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, movieEnvelope{Data: stored})
	return nil
}

func (s *AppState) deleteMovie(w http.ResponseWriter, r *http.Request) error {
	if err := s.Movies.Delete(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func decodeMovie(w http.ResponseWriter, r *http.Request) (domain.Movie, error) {
	var req movieRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return domain.Movie{}, err
	}
	return req.movie()
}
