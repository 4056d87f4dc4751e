-- A random value per user, carried in access tokens: a new stamp (password change, disabling, a user
-- deleted and created again) makes every earlier access token of the user invalid on its next request.
-- Users from before this migration keep '' until their next such change.
alter table users add column security_stamp text not null default '';
