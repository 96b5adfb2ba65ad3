DROP TABLE movies;
DROP SEQUENCE movie_version_seq;
