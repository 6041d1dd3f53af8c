"""Swedish first, English second: every text the API says, in both."""

from __future__ import annotations

from collections.abc import Callable, Mapping

LANGUAGES = ("sv", "en")

# Error codes -> message. Capabilities add their own codes here.
ERRORS: dict[str, dict[str, str]] = {
    "invalid": {"sv": "Några uppgifter saknas eller är felaktiga.", "en": "Some details are missing or wrong."},
    "unauthorized": {
        "sv": "Länken är ogiltig, har gått ut eller har ersatts. Begär en ny länk.",
        "en": "The link is invalid, has expired or has been replaced. Ask for a new link.",
    },
    "not_found": {"sv": "Hittades inte.", "en": "Not found."},
    "offer_not_draft": {  # the back office: an offer that is going or has gone out is not changed afterwards
        "sv": "Erbjudandet skickas eller är skickat och kan inte ändras eller tas bort.",
        "en": "The offer is being sent or has been sent and cannot be changed or removed.",
    },
    "offer_uncomposable": {  # a text that cannot go into an e-mail (stored before the fields refused it)
        "sv": "Erbjudandet kan inte skickas som e-post: ämnesraden har radbrytningar eller tecknen =? … ?=. "
              "Ändra eller ta bort det.",
        "en": "The offer cannot be sent by e-mail: its subject holds line breaks or the characters =? … ?=. "
              "Change or remove it.",
    },
    "conflict": {"sv": "Det gick inte att genomföra ändringen.", "en": "The change could not be made."},
    "slot_taken": {
        "sv": "Tiden är tyvärr redan bokad. Välj en annan tid.",
        "en": "Sorry, that time has just been booked. Please choose another.",
    },
    "too_late": {
        "sv": "Det är för sent att ändra eller avboka på nätet. Ring oss på 063-512545.",
        "en": "It is too late to change or cancel online. Please call us on 063-512545.",
    },
    "too_many_holds": {  # booking: at most two unpaid holds per address at once
        "sv": "Du har redan två obetalda bokningar som väntar på betalning. Betala eller avboka någon av dem, "
              "eller vänta 15 minuter, och försök sedan igen.",
        "en": "You already have two unpaid bookings waiting for payment. Pay or cancel one of them, "
              "or wait 15 minutes, and then try again.",
    },
    # treatments under lag (2021:363) (booking.regulated); "earliest" in the answer is the first possible date
    "consultation_required": {
        "sv": "Behandlingen kräver enligt lag en konsultation med legitimerad sjuksköterska minst två dagar före "
              "(betänketid). Boka konsultationen först.",
        "en": "By law this treatment requires a consultation with a registered nurse at least two days before "
              "(time to reflect). Book the consultation first.",
    },
    "licence_required": {
        "sv": "Bara legitimerad sjuksköterska, läkare eller tandläkare får göra det här.",
        "en": "Only a licensed nurse, physician or dentist may do this.",
    },
    "betanketid_not_over": {
        "sv": "Betänketiden efter konsultationen är inte slut än; samtycke kan ges först efter den.",
        "en": "The time to reflect after the consultation is not over yet; consent can be given only after it.",
    },
    "confirmation_required": {
        "sv": "Bekräfta först att åldern är kontrollerad mot legitimation och att samtycke gavs efter betänketiden.",
        "en": "First confirm that age was checked against ID and that consent was given after the time to reflect.",
    },
    "not_regulated": {
        "sv": "Behandlingen omfattas inte av lagen om estetiska injektionsbehandlingar.",
        "en": "This treatment is not covered by the act on aesthetic injection treatments.",
    },
    "too_many_bookings": {  # booking: clinic file booking.max_bookings_per_day
        "sv": "Du har redan så många bokningar den dagen som går att boka på nätet. Ring oss på 063-512545.",
        "en": "You already have as many bookings that day as can be made online. Please call us on 063-512545.",
    },
    "too_many_requests": {"sv": "För många försök. Vänta en stund.", "en": "Too many attempts. Please wait a while."},
    "payload_too_large": {"sv": "Förfrågan är för stor.", "en": "The request is too large."},
    "unsupported_media_type": {"sv": "Skicka JSON.", "en": "Send JSON."},
    "method_not_allowed": {"sv": "Metoden stöds inte här.", "en": "That method is not supported here."},
    "email_taken": {  # rights: confirming a new address that another customer has
        "sv": "Adressen används redan. Kontakta oss om du vill byta till den.",
        "en": "That address is already in use. Contact us if you want to change to it.",
    },
    "invalid_signature": {
        "sv": "Webhooken har ingen giltig Stripe-signatur.", "en": "The webhook has no valid Stripe signature.",
    },
    # photos and complaints
    "too_many_photos": {
        "sv": "Du kan lägga till högst 5 bilder per bokning. Ta bort en bild först om du vill byta.",
        "en": "You can add at most 5 photos per booking. Delete one first if you want to change.",
    },
    "photos_closed": {
        "sv": "Bilder kan bara läggas till en bekräftad eller genomförd bokning.",
        "en": "Photos can only be added to a confirmed or completed booking.",
    },
    "not_taken_place": {
        "sv": "Du kan lämna en reklamation när behandlingen har ägt rum.",
        "en": "You can make a complaint once the treatment has taken place.",
    },
    "complaint_open": {
        "sv": "Du har redan en öppen reklamation för den här bokningen. Skriv i den i stället.",
        "en": "You already have an open complaint about this booking. Write in it instead.",
    },
    "complaint_closed": {
        "sv": "Reklamationen är avslutad. Ring oss på 063-512545 om du har frågor.",
        "en": "The complaint is closed. Call us on 063-512545 if you have questions.",
    },
    "complaint_changed": {
        "sv": "Reklamationen ändrades samtidigt. Läs in sidan igen och försök på nytt.",
        "en": "The complaint changed meanwhile. Reload the page and try again.",
    },
    "complaint_too_long": {
        "sv": "Tråden har blivit för lång. Ring oss på 063-512545.",
        "en": "The thread has become too long. Please call us on 063-512545.",
    },
    "refund_too_large": {
        "sv": "Beloppet är större än det som återstår av betalningen.",
        "en": "The amount is more than what is left of the payment.",
    },
    "nothing_paid": {
        "sv": "Bokningen har ingen betalning via nätet att återbetala från.",
        "en": "The booking has no online payment to refund from.",
    },
    "refund_failed": {
        "sv": "Återbetalningen gick inte igenom. Reklamationen är öppen igen; försök senare.",
        "en": "The refund did not go through. The complaint is open again; try later.",
    },
    # the back office (staff)
    "staff_unauthorized": {
        "sv": "Du är inte inloggad, eller så har inloggningen gått ut. Logga in igen.",
        "en": "You are not signed in, or your sign-in has expired. Please sign in again.",
    },
    "signin_invalid": {
        "sv": "Inloggningslänken är ogiltig, har gått ut eller är redan använd. Begär en ny.",
        "en": "The sign-in link is invalid, has expired or has been used. Ask for a new one.",
    },
    "code_required": {"sv": "Ange koden från din autentiseringsapp.", "en": "Enter the code from your authenticator app."},
    "code_wrong": {"sv": "Fel kod. Försök igen med koden som visas nu.", "en": "Wrong code. Try again with the code shown now."},
    "signin_locked": {
        "sv": "För många felaktiga koder. Vänta 15 minuter och försök igen.",
        "en": "Too many wrong codes. Wait 15 minutes and try again.",
    },
    "forbidden": {"sv": "Din roll får inte göra det här.", "en": "Your role does not allow this."},
    "too_early": {"sv": "Det går först efter bokningens starttid.", "en": "Not before the booking's start."},
    # the clinic's settings (admins)
    "version_conflict": {
        "sv": "Någon annan sparade inställningarna samtidigt. Läs in de nya värdena och gör ändringen igen.",
        "en": "Somebody else saved the settings meanwhile. Load the new values and make your change again.",
    },
    "settings_in_use": {
        "sv": "Det finns kommande bokningar som behöver det du tar bort. Flytta eller avboka dem först.",
        "en": "Upcoming bookings need what you are removing. Move or cancel them first.",
    },
    "webhook_in_progress": {
        "sv": "Händelsen behandlas redan. Försök igen senare.", "en": "The event is being handled. Try again later.",
    },
}

# Field problems -> message.
FIELD_MESSAGES: dict[str, dict[str, str]] = {
    "required": {"sv": "Obligatoriskt fält.", "en": "This field is required."},
    "type": {"sv": "Fel typ av värde.", "en": "Wrong type of value."},
    "unknown_field": {"sv": "Okänt fält.", "en": "Unknown field."},
    "malformed_json": {"sv": "Ogiltig JSON.", "en": "Malformed JSON."},
    "too_large": {"sv": "För stort.", "en": "Too large."},
    "too_long": {"sv": "För lång text.", "en": "Too long."},
    "invalid": {"sv": "Ogiltigt värde.", "en": "Invalid value."},
    "header_shaped": {"sv": "Skriv texten på en rad, utan tecknen =? … ?=.",
                      "en": "Write it on one line, without the characters =? … ?=."},
    "date": {"sv": "Ange ett datum ÅÅÅÅ-MM-DD.", "en": "Give a date YYYY-MM-DD."},
    "datetime": {"sv": "Ange en tidpunkt med tidszon.", "en": "Give a time with a time zone."},
    "email": {"sv": "Ogiltig e-postadress.", "en": "Invalid e-mail address."},
    "phone": {"sv": "Ogiltigt telefonnummer.", "en": "Invalid phone number."},
    "name": {"sv": "Skriv namnet med bokstäver; mellanslag, bindestreck, apostrof och punkt går bra.",
             "en": "Write the name in letters; spaces, hyphens, apostrophes and full stops are fine."},
    "unknown_service": {"sv": "Okänd behandling.", "en": "Unknown treatment."},
    "unknown_staff": {"sv": "Okänd behandlare.", "en": "Unknown staff member."},
    "staff_not_for_service": {
        "sv": "Behandlaren utför inte den behandlingen.",
        "en": "This staff member does not perform that treatment.",
    },
    "past": {"sv": "Tiden har redan passerat.", "en": "That time has already passed."},
    "range_too_long": {"sv": "Högst 62 dagar åt gången.", "en": "At most 62 days at a time."},
    "range_order": {"sv": "Slutdatum före startdatum.", "en": "End date before start date."},
    "not_a_slot": {"sv": "Ingen bokningsbar tid.", "en": "Not a bookable time."},
    "outside_hours": {"sv": "Utanför öppettiderna.", "en": "Outside opening hours."},
    "too_far": {"sv": "Så långt fram i tiden går det inte att boka än.", "en": "That is too far ahead to book yet."},
    "too_soon": {"sv": "För nära i tid för att boka på nätet.", "en": "Too soon to book online."},
    "age_confirmation_required": {
        "sv": "Behandlingen kräver att du bekräftar att du fyllt 18 år.",
        "en": "This treatment requires you to confirm that you are 18 or older.",
    },
    "language": {"sv": "Välj sv eller en.", "en": "Choose sv or en."},
    # cookie consent and statistics (site)
    "consent_id": {"sv": "Ogiltigt samtyckes-id (UUID v4).", "en": "Invalid consent id (a UUID v4)."},
    "policy_version": {"sv": "Ogiltig policyversion.", "en": "Invalid policy version."},
    "must_be_true": {"sv": "Måste vara true.", "en": "Must be true."},
    "page_path": {"sv": "Ogiltig sidadress.", "en": "Invalid page path."},
    "email_taken": {"sv": "Adressen används redan.", "en": "That address is already in use."},
    "signature": {"sv": "Ogiltig eller saknad signatur.", "en": "Invalid or missing signature."},
    # photos and complaints
    "photo_type": {"sv": "Välj en bild i JPEG, PNG eller HEIC.", "en": "Choose a JPEG, PNG or HEIC image."},
    "photo_too_large": {"sv": "Bilden är större än 10 MB.", "en": "The image is larger than 10 MB."},
    "complaint_outcome": {"sv": "Välj ett beslut.", "en": "Choose a decision."},
    "amount": {"sv": "Ange ett belopp i hela kronor.", "en": "Give an amount in whole kronor."},
    "refund_too_large": {"sv": "Mer än det som återstår att betala tillbaka.", "en": "More than is left to refund."},
    "nothing_paid": {"sv": "Ingen betalning via nätet.", "en": "No online payment."},
    # the back office
    "staff_not_working": {"sv": "Behandlaren arbetar inte då.", "en": "The staff member does not work then."},
    "outcome": {"sv": "Välj completed eller no_show.", "en": "Choose completed or no_show."},
    "range_too_long_31": {"sv": "Högst 31 dagar åt gången.", "en": "At most 31 days at a time."},
    "block_too_long": {"sv": "Högst 31 dagar per spärr.", "en": "At most 31 days per block."},
    "end_before_start": {"sv": "Sluttiden måste vara efter starttiden.", "en": "The end must be after the start."},
    "no_opening_hours": {"sv": "Kliniken har inte öppet under den tiden.", "en": "The clinic is not open then."},
    "query_too_short": {"sv": "Skriv minst två tecken.", "en": "Type at least two characters."},
    "unknown_customer": {"sv": "Okänd kund.", "en": "Unknown customer."},
    # offers (the back office's Erbjudanden)
    # the owner's numbers
    "year": {"sv": "Ange ett år ÅÅÅÅ (2000–2100).", "en": "Give a year YYYY (2000-2100)."},
    "month": {"sv": "Ange en månad 1–12.", "en": "Give a month 1-12."},
    "range_too_long_366": {"sv": "Högst 366 dagar åt gången.", "en": "At most 366 days at a time."},
    "report_format": {"sv": "Välj json eller csv.", "en": "Choose json or csv."},
    "channels": {"sv": "Välj e-post, sms eller båda.", "en": "Choose e-mail, SMS or both."},
    "sms_too_long": {"sv": "För lång text för sms (högst 480 tecken).", "en": "Too long for an SMS (480 characters at most)."},
    # the clinic's settings: the clinic file's rules, in the clinic's words
    "settings_unlicensed": {
        "sv": "Behandlingen regleras av lagen om estetiska injektionsbehandlingar: bara legitimerad sjuksköterska, "
              "läkare eller tandläkare får ge den. Ta bort behandlaren eller lägg in hens legitimation.",
        "en": "The treatment falls under the act on aesthetic injection treatments: only a licensed nurse, physician "
              "or dentist may give it. Remove the staff member or add their licence.",
    },
    "settings_outside_hours": {"sv": "Arbetstiden ligger utanför klinikens öppettider.",
                               "en": "The working hours are outside the clinic's opening hours."},
    "settings_consultation_required": {
        "sv": "En reglerad behandling måste ha en egen konsultation (en behandling som inte själv är reglerad).",
        "en": "A regulated treatment needs its own consultation (a treatment that is not regulated itself)."},
    "settings_injections": {"sv": "Klinikens text om injektionsbehandlingar saknas i klinikfilen.",
                            "en": "The clinic's text about injection treatments is missing from the clinic file."},
    "settings_vat": {"sv": "Momsen ska vara 25, 12, 6 eller 0 procent.", "en": "VAT must be 25, 12, 6 or 0 per cent."},
    "settings_age_limit": {"sv": "En reglerad behandling har åldersgräns minst 18 år.",
                           "en": "A regulated treatment has an age limit of at least 18."},
    "settings_duration": {"sv": "Längden ska vara en multipel av 15 minuter.",
                          "en": "The duration must be a multiple of 15 minutes."},
    "settings_prepayment": {"sv": "Förskottet får inte vara större än priset.",
                            "en": "The prepayment cannot be more than the price."},
    "settings_duplicate_email": {"sv": "Två i personalen har samma e-postadress.",
                                 "en": "Two staff members have the same e-mail address."},
    "settings_duplicate_id": {"sv": "Två har samma id.", "en": "Two share the same id."},
    "settings_role": {"sv": "Välj admin eller staff.", "en": "Choose admin or staff."},
    "settings_time": {"sv": "Ange en tid TT:MM.", "en": "Give a time HH:MM."},
    "settings_weekday": {"sv": "Okänd veckodag.", "en": "Unknown weekday."},
    "settings_whole_number": {"sv": "Ange ett heltal (0 eller mer).", "en": "Give a whole number (0 or more)."},
    "settings_id": {"sv": "Id: små bokstäver a–z, siffror och bindestreck.",
                    "en": "Id: lowercase letters a–z, digits and hyphens."},
    "settings_medicine": {"sv": "Offentliga texter får inte nämna receptbelagda läkemedel.",
                          "en": "Public texts may not name prescription medicines."},
}


def phrases(table: Mapping[str, Mapping[str, str]]) -> Callable[..., str]:
    """A message's phrase book (``{"sv": {key: text}, "en": {...}}``) as ``text(language, key, **values)``:
    English when asked for, Swedish otherwise (a customer's stored language may be anything)."""

    def text(language: str, key: str, **values: object) -> str:
        return table["en" if language == "en" else "sv"][key].format(**values)

    return text


def pick_language(accept_language: str | None) -> str:
    """The first of our languages in an Accept-Language header; Swedish by default."""
    if not accept_language:
        return "sv"
    ranked = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()[:2]))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return "sv"


def error_message(code: str, language: str) -> str:
    texts = ERRORS.get(code) or ERRORS["invalid"]
    return texts.get(language) or texts["sv"]


def field_message(key: str, language: str) -> str:
    texts = FIELD_MESSAGES.get(key) or FIELD_MESSAGES["invalid"]
    return texts.get(language) or texts["sv"]
