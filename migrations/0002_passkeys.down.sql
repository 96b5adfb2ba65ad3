DROP TABLE app_secrets;
DROP TABLE credentials;
DROP TABLE users;
