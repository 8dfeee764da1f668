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

create table venue(
	venueid smallint not null distkey sortkey,
	venuename varchar(100),
	venuecity varchar(30),
	venuestate char(2),
	venueseats integer);

create table event(
	eventid integer not null distkey,
	venueid smallint not null,
	catid smallint not null,
	dateid smallint not null sortkey,
	eventname varchar(200),
	starttime timestamp);

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

CREATE TABLE IF NOT EXISTS public.web_events (
    event_id BIGINT IDENTITY(1, 1),
    payload SUPER,
    received_at TIMESTAMP DEFAULT GETDATE() ENCODE zstd,
    PRIMARY KEY (event_id)
)
DISTSTYLE AUTO
COMPOUND SORTKEY (received_at);

COMMENT ON TABLE sales IS 'One row per ticket sale';
