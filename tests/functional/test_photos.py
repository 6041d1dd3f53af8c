"""Photos with a booking, against the local servers: DynamoDB Local, moto's S3 server, the API in
process, the processing function called with the event S3 sends. What a phone writes into a photo
(EXIF, GPS, XMP, ICC, comments) never comes back; what is not a photo, or too big, or one too many,
is refused; another customer's link reaches nothing; erasure and the end of retention empty the bucket."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import requests
from allavie.local import s3_server
from chalicelib.retention import sweeper
from chalicelib.store.models import Customer, Item, Photo
from support import photos
from support.booking_data import answer, at, body, fragment, get, post

NOW = "2027-03-20T12:00:00+01:00"


def manage_token(outbox, address: str) -> tuple[str, str]:
    mail = outbox.emails_to(address)[-1]
    url = next(link for link in outbox.links(mail) if "/hantera/#" in link)
    found = fragment(url)
    return found["t"], found["b"]


@pytest.fixture()
def booked(client, monkeypatch, outbox):
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    made = post(client, "/bookings", body())
    assert made.status_code == 201, made.body
    return manage_token(outbox, "astrid@example.se")


def delete(client, path: str, token: str):
    return client.http.delete(path, headers={"Authorization": f"Bearer {token}"})


def process(client) -> int:
    """S3 would notify the function; moto does not, so the test sends the same event."""
    return s3_server.process_pending(os.environ["S3_ENDPOINT"],
                                     handler=lambda event: client.lambda_.invoke("process_photo", event))


def stored_photos() -> list[Photo]:
    return [item for item in Item.scan(consistent_read=True) if isinstance(item, Photo)]


def bucket_keys() -> list[str]:
    s3 = s3_server.client(os.environ["S3_ENDPOINT"])
    return [o["Key"] for o in s3.list_objects_v2(Bucket=os.environ["PHOTO_BUCKET"]).get("Contents", [])]


def add_photo(client, token: str, booking_id: str, data: bytes, content_type: str = "image/jpeg",
              size: int | None = None):
    asked = post(client, f"/bookings/{booking_id}/photos", {"content_type": content_type, "size": size or len(data)},
                 token)
    assert asked.status_code == 201, asked.body
    assert photos.upload(answer(asked), data) == 204
    return answer(asked)["photo"]["id"]


def test_a_photo_with_gps_exif_is_served_back_without_any_metadata(client, booked) -> None:
    token, booking_id = booked
    original = photos.jpeg_with_gps((64, 48), orientation=6)
    photo_id = add_photo(client, token, booking_id, original)
    pending = answer(get(client, f"/bookings/{booking_id}/photos", token))["photos"]
    assert [(p["id"], p["status"], p["url"]) for p in pending] == [(photo_id, "pending", None)]

    assert process(client) == 1
    listed = answer(get(client, f"/bookings/{booking_id}/photos", token))["photos"]
    assert [(p["id"], p["status"]) for p in listed] == [(photo_id, "ready")]
    assert listed[0]["uploaded_at"].startswith("2027-03-20T12:00:00")
    served = requests.get(listed[0]["url"], timeout=10)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    found = photos.metadata_of(served.content)
    assert found["format"] == "JPEG"
    assert found["exif"] == {} and found["gps"] == {}
    assert found["info"] == [] and found["raw_markers"] == []
    assert found["size"] == (48, 64)  # turned upright by its orientation before the EXIF went
    keys = bucket_keys()
    assert not [k for k in keys if k.startswith("uploads/")], "the original is deleted"
    assert len([k for k in keys if k.startswith("photos/")]) == 1


def test_png_and_heic_are_cleaned_too(client, booked) -> None:
    token, booking_id = booked
    add_photo(client, token, booking_id, photos.png(), "image/png")
    add_photo(client, token, booking_id, photos.heic(), "image/heic")
    assert process(client) == 2
    listed = answer(get(client, f"/bookings/{booking_id}/photos", token))["photos"]
    assert [p["status"] for p in listed] == ["ready", "ready"]
    kinds = []
    for photo in listed:
        found = photos.metadata_of(requests.get(photo["url"], timeout=10).content)
        assert found["exif"] == {} and found["gps"] == {} and found["info"] == [], found
        kinds.append(found["format"])
    assert sorted(kinds) == ["JPEG", "PNG"]  # HEIC becomes a JPEG every browser shows


@pytest.mark.parametrize("declared, field, code", [
    ({"content_type": "image/gif", "size": 1000}, "content_type", "Välj en bild i JPEG, PNG eller HEIC."),
    ({"content_type": "image/jpeg", "size": 10 * 1024 * 1024 + 1}, "size", "Bilden är större än 10 MB."),
    ({"content_type": "image/jpeg", "size": "12"}, "size", "Fel typ av värde."),
    ({"content_type": "image/jpeg"}, "size", "Obligatoriskt fält."),
])
def test_a_wrong_type_or_size_is_refused_before_any_upload(client, booked, declared, field, code) -> None:
    token, booking_id = booked
    refused = post(client, f"/bookings/{booking_id}/photos", declared, token)
    assert refused.status_code == 400
    assert answer(refused)["error"]["fields"] == {field: code}
    assert stored_photos() == []


@pytest.mark.parametrize("data, declared_type, declared_size", [
    (photos.png(), "image/jpeg", None),                 # a PNG named a JPEG
    (b"<html><script>alert(1)</script></html>" * 10, "image/jpeg", None),  # not an image at all
    (photos.jpeg_with_gps(), "image/jpeg", 100),         # more bytes than declared (S3 would refuse; moto does not)
    (photos.bomb(), "image/png", None),                  # 900 megapixels in a few kilobytes
])
def test_the_processing_refuses_and_deletes_what_is_not_the_declared_photo(client, booked, data, declared_type,
                                                                            declared_size) -> None:
    token, booking_id = booked
    add_photo(client, token, booking_id, data, declared_type, declared_size)
    assert process(client) == 1
    assert answer(get(client, f"/bookings/{booking_id}/photos", token))["photos"] == []
    assert bucket_keys() == []
    assert [p.status for p in stored_photos()] == ["rejected"]


def test_a_file_over_ten_megabytes_is_refused_by_the_processing(client, booked) -> None:
    token, booking_id = booked
    add_photo(client, token, booking_id, photos.jpeg_with_gps() + b"\0" * (10 * 1024 * 1024), "image/jpeg",
              10 * 1024 * 1024)
    process(client)
    assert bucket_keys() == [] and [p.rejected_because for p in stored_photos()] == ["too_large"]


def test_an_upload_nobody_asked_for_is_deleted(client, booked) -> None:
    s3 = s3_server.client(os.environ["S3_ENDPOINT"])
    s3.put_object(Bucket=os.environ["PHOTO_BUCKET"], Key="uploads/nobody/0000000000000000/1/abcdefabcdefabcd",
                  Body=photos.jpeg_with_gps())
    assert process(client) == 1
    assert bucket_keys() == []


def test_at_most_five_photos_per_booking(client, booked) -> None:
    token, booking_id = booked
    ids = [add_photo(client, token, booking_id, photos.jpeg_with_gps()) for _ in range(5)]
    sixth = post(client, f"/bookings/{booking_id}/photos", {"content_type": "image/jpeg", "size": 900}, token)
    assert sixth.status_code == 409 and answer(sixth)["error"]["code"] == "too_many_photos"
    process(client)
    assert delete(client, f"/bookings/{booking_id}/photos/{ids[2]}", token).status_code == 204
    again = post(client, f"/bookings/{booking_id}/photos", {"content_type": "image/jpeg", "size": 900}, token)
    assert again.status_code == 201
    assert len([k for k in bucket_keys() if k.startswith("photos/")]) == 4


def test_an_abandoned_upload_frees_its_slot_once_its_window_has_passed(client, booked, monkeypatch) -> None:
    token, booking_id = booked
    for _ in range(5):
        assert post(client, f"/bookings/{booking_id}/photos", {"content_type": "image/jpeg", "size": 900},
                    token).status_code == 201
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:11:00+01:00")  # past the ten minutes of each POST
    assert answer(get(client, f"/bookings/{booking_id}/photos", token))["photos"] == []
    assert post(client, f"/bookings/{booking_id}/photos", {"content_type": "image/png", "size": 900},
                token).status_code == 201


def test_another_customers_link_can_neither_read_nor_delete_a_photo(client, booked, outbox) -> None:
    token, booking_id = booked
    photo_id = add_photo(client, token, booking_id, photos.jpeg_with_gps())
    process(client)
    other = post(client, "/bookings", body(email="bertil@example.se", name="Bertil", start=at("2027-03-31", "10:00")))
    assert other.status_code == 201
    other_token, other_booking = manage_token(outbox, "bertil@example.se")
    assert get(client, f"/bookings/{booking_id}/photos", other_token).status_code == 404
    assert delete(client, f"/bookings/{booking_id}/photos/{photo_id}", other_token).status_code == 404
    assert delete(client, f"/bookings/{other_booking}/photos/{photo_id}", other_token).status_code == 404
    assert post(client, f"/bookings/{booking_id}/photos", {"content_type": "image/jpeg", "size": 9},
                other_token).status_code == 404
    assert get(client, f"/bookings/{booking_id}/photos", "not-a-token").status_code == 401
    assert len(answer(get(client, f"/bookings/{booking_id}/photos", token))["photos"]) == 1


def _customer_keys(customer_id: str) -> list[str]:
    return [k for k in bucket_keys() if f"/{customer_id}/" in k]


def test_erasure_leaves_nothing_of_the_customer_in_the_bucket(client, booked, outbox) -> None:
    token, booking_id = booked
    add_photo(client, token, booking_id, photos.jpeg_with_gps())
    process(client)
    add_photo(client, token, booking_id, photos.png(), "image/png")  # still waiting to be processed
    customer_id = next(iter(Customer.scan())).customer_id
    assert len(_customer_keys(customer_id)) == 2
    mail = outbox.emails_to("astrid@example.se")[-1]
    data = fragment(next(link for link in outbox.links(mail) if "/mina-uppgifter/#" in link))["t"]
    erased = post(client, "/me/erase", None, data)
    assert erased.status_code == 200, erased.body
    assert bucket_keys() == []
    assert stored_photos() == []


def test_the_retention_sweep_leaves_nothing_of_the_customer_in_the_bucket(client, booked) -> None:
    token, booking_id = booked
    add_photo(client, token, booking_id, photos.jpeg_with_gps())
    process(client)
    profile = next(iter(Customer.scan()))
    photo = stored_photos()[0]
    assert photo.expires_at == profile.expires_at  # a photo lives as long as its customer's data
    later = profile.expires_at + dt.timedelta(days=1)
    report = sweeper.sweep(later.date(), later, reason="schedule")
    assert report.customers == 1 and report.items["photo"] == 1
    assert bucket_keys() == []


def test_the_ttl_cascade_leaves_nothing_of_the_customer_in_the_bucket(client, booked) -> None:
    """DynamoDB's TTL deleted the profile: the stream's cascade takes the rest, the bucket's objects too."""
    from support.streams import TTL_IDENTITY, stream_record

    token, booking_id = booked
    add_photo(client, token, booking_id, photos.jpeg_with_gps())
    process(client)
    add_photo(client, token, booking_id, photos.png(), "image/png")  # an upload not yet cleaned
    profile = next(iter(Customer.scan()))
    assert len(_customer_keys(profile.customer_id)) == 2
    deleted_at = profile.expires_at + dt.timedelta(hours=5)
    profile.delete()  # what TTL does, some hours after the expiry
    batch = {"Records": [stream_record("REMOVE", profile, identity=TTL_IDENTITY, event_id="ttl-1", at=deleted_at)]}
    assert client.lambda_.invoke("cascade_ttl_deletions", batch).payload == {"cascaded": 1}
    assert bucket_keys() == []
    assert stored_photos() == []


def test_the_booking_pages_photo_link_opens_that_bookings_photos_only_for_two_hours(client, monkeypatch) -> None:
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    made = answer(post(client, "/bookings", body()))
    booking_id, token = made["booking"]["id"], made["photos"]["token"]
    other = answer(post(client, "/bookings", body(start=at("2027-03-31", "10:00"))))["booking"]["id"]
    photo_id = add_photo(client, token, booking_id, photos.jpeg_with_gps())
    assert [p["id"] for p in answer(get(client, f"/bookings/{booking_id}/photos", token))["photos"]] == [photo_id]
    # nothing but this booking's photos: not the booking itself, its complaints, another booking or the data
    assert get(client, f"/bookings/{booking_id}", token).status_code == 401
    assert get(client, f"/bookings/{booking_id}/complaints", token).status_code == 401
    assert get(client, "/me", token).status_code == 401
    assert get(client, f"/bookings/{other}/photos", token).status_code == 404
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T14:00:01+01:00")  # two hours and a second later
    assert get(client, f"/bookings/{booking_id}/photos", token).status_code == 401
    assert delete(client, f"/bookings/{booking_id}/photos/{photo_id}", token).status_code == 401


def test_the_clinics_view_of_a_bookings_photos_is_logged_before_any_link_is_made(client, booked, outbox) -> None:
    """The back office's access log takes the look (kind ``photos``) first; the customer's export lists it."""
    from chalicelib.core import clock
    from chalicelib.core.errors import ApiError
    from chalicelib.photos import uploads
    from chalicelib.staff import access
    from chalicelib.staff.sessions import StaffUser

    token, booking_id = booked
    add_photo(client, token, booking_id, photos.jpeg_with_gps())
    process(client)
    profile = next(iter(Customer.scan()))
    sara = StaffUser("sara", "Sara Ek", "staff", "sara@allavieclinic.com")
    now = clock.now()

    def record(customer_id: str, what: str) -> None:
        access.record(sara, [(customer_id, profile.expires_at)], what, now)

    shown = uploads.staff_listing(profile.customer_id, booking_id, sara.id, now, record)
    assert [p["status"] for p in shown] == ["ready"] and requests.get(shown[0]["url"], timeout=10).status_code == 200
    [entry] = access.entries(profile.customer_id, now)
    assert (entry["staff"], entry["what"], entry["views"]) == ("sara", "photos", 1)

    def refused(customer_id: str, what: str) -> None:
        raise RuntimeError("the access log is down")

    with pytest.raises(RuntimeError):  # no log entry, no look
        uploads.staff_listing(profile.customer_id, booking_id, sara.id, now, refused)
    with pytest.raises(ApiError):
        uploads.staff_listing(profile.customer_id, booking_id, "", now, record)
    mail = outbox.emails_to("astrid@example.se")[-1]
    data = fragment(next(link for link in outbox.links(mail) if "/mina-uppgifter/#" in link))["t"]
    exported = answer(get(client, "/me/export", data))
    assert [(e["staff"], e["what"]) for e in exported["access_log"]] == [("sara", "photos")]


def test_the_export_links_each_cleaned_photo_for_a_day(client, booked, outbox) -> None:
    token, booking_id = booked
    photo_id = add_photo(client, token, booking_id, photos.jpeg_with_gps())
    process(client)
    mail = outbox.emails_to("astrid@example.se")[-1]
    data = fragment(next(link for link in outbox.links(mail) if "/mina-uppgifter/#" in link))["t"]
    exported = answer(get(client, "/me/export", data))
    [photo] = exported["photos"]
    assert photo["photo_id"] == photo_id and photo["status"] == "ready"
    assert "upload_key" not in photo and "clean_key" not in photo
    served = requests.get(photo["url"], timeout=10)
    assert served.status_code == 200 and photos.metadata_of(served.content)["gps"] == {}
