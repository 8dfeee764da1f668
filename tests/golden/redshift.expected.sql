-- The TICKIT sample database, as Redshift's getting-started guide creates it.
create table users(
	userid integer not null distkey sortkey,
	username char(8),
	firstname varchar(30),
	lastname varchar(30),
	city varchar(30),
	state char(2),
	email varchar(100),
	likesports boolean);
COMMENT ON TABLE users IS 'Users, one row per user.';
COMMENT ON COLUMN users.userid IS 'Unique identifier of the user.';
COMMENT ON COLUMN users.username IS 'Username of the user.';
COMMENT ON COLUMN users.firstname IS 'First name of the user.';
COMMENT ON COLUMN users.lastname IS 'Last name of the user.';
COMMENT ON COLUMN users.city IS 'City of the user.';
COMMENT ON COLUMN users.state IS 'State of the user.';
COMMENT ON COLUMN users.email IS 'Email address of the user.';
COMMENT ON COLUMN users.likesports IS 'Flag indicating whether the user is likesports.';

create table venue(
	venueid smallint not null distkey sortkey,
	venuename varchar(100),
	venuecity varchar(30),
	venuestate char(2),
	venueseats integer);
COMMENT ON TABLE venue IS 'Venues, one row per venue.';
COMMENT ON COLUMN venue.venueid IS 'Unique identifier of the venue.';
COMMENT ON COLUMN venue.venuename IS 'Name of the venue.';
COMMENT ON COLUMN venue.venuecity IS 'City of the venue.';
COMMENT ON COLUMN venue.venuestate IS 'Venuestate of the venue.';
COMMENT ON COLUMN venue.venueseats IS 'Seats of the venue.';

create table event(
	eventid integer not null distkey,
	venueid smallint not null,
	catid smallint not null,
	dateid smallint not null sortkey,
	eventname varchar(200),
	starttime timestamp);
COMMENT ON TABLE event IS 'Events, one row per event.';
COMMENT ON COLUMN event.eventid IS 'Unique identifier of the event.';
COMMENT ON COLUMN event.venueid IS 'Identifier of the venue.';
COMMENT ON COLUMN event.catid IS 'Identifier of the category.';
COMMENT ON COLUMN event.dateid IS 'Identifier of the date.';
COMMENT ON COLUMN event.eventname IS 'Name of the event.';
COMMENT ON COLUMN event.starttime IS 'Timestamp when the event was started.';

create table sales(
	salesid integer not null,
	listid integer not null distkey,
	sellerid integer not null,
	buyerid integer not null,
	eventid integer not null,
	dateid smallint not null sortkey,
	qtysold smallint not null encode az64,
	pricepaid decimal(8,2),
	commission decimal(8,2),
	saletime timestamp);
COMMENT ON COLUMN sales.salesid IS 'Identifier of the sales.';
COMMENT ON COLUMN sales.listid IS 'Identifier of the list.';
COMMENT ON COLUMN sales.sellerid IS 'Sellerid of the sale.';
COMMENT ON COLUMN sales.buyerid IS 'Buyerid of the sale.';
COMMENT ON COLUMN sales.eventid IS 'Identifier of the event.';
COMMENT ON COLUMN sales.dateid IS 'Identifier of the date.';
COMMENT ON COLUMN sales.qtysold IS 'Qtysold of the sale.';
COMMENT ON COLUMN sales.pricepaid IS 'Price paid of the sale.';
COMMENT ON COLUMN sales.commission IS 'Commission of the sale.';
COMMENT ON COLUMN sales.saletime IS 'Timestamp of the sale.';

CREATE TABLE IF NOT EXISTS public.web_events (
    event_id BIGINT IDENTITY(1, 1),
    payload SUPER,
    received_at TIMESTAMP DEFAULT GETDATE() ENCODE zstd,
    PRIMARY KEY (event_id)
)
DISTSTYLE AUTO
COMPOUND SORTKEY (received_at);
COMMENT ON TABLE public.web_events IS 'Web events, one row per web event.';
COMMENT ON COLUMN public.web_events.event_id IS 'Unique identifier of the web event.';
COMMENT ON COLUMN public.web_events.payload IS 'Payload of the web event.';
COMMENT ON COLUMN public.web_events.received_at IS 'Timestamp when the web event was received.';

COMMENT ON TABLE sales IS 'One row per ticket sale';
