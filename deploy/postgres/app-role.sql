-- The ordinary role the API, the workers and the clock connect as: no superuser, no
-- BYPASSRLS, so PostgreSQL's row-level security (migration 0021) holds for every request.
-- The schema's owner (`owner`) runs `patronage db upgrade` alone; tables it creates later are
-- granted to the role by the default privileges below. Safe to run again (a password change).
--
--   psql -v ON_ERROR_STOP=1 -d patronage -v owner=patronage -v app_role=patronage_app \
--        -v app_password='...' -f deploy/postgres/app-role.sql
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS', :'app_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec
ALTER ROLE :"app_role" WITH LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD :'app_password';
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
