"""Every step validates on the server: one test per rule, through the step's form."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from requests_app import forms
from requests_app.models import SecondOpinionRequest, SubmitterRole
from requests_app.validators import npi_check_digit_is_valid

from . import answers


def bind(form_class, data, role=SubmitterRole.GUARDIAN, **instance_fields):
    return form_class(data=data, instance=SecondOpinionRequest(submitter_role=role, **instance_fields))


def errors_of(form_class, data, **kwargs):
    form = bind(form_class, data, **kwargs)
    form.is_valid()
    return form.errors


def test_valid_answers_pass_every_step():
    steps = [
        (forms.PhysicianForm, answers.PHYSICIAN),
        (forms.ChildForm, answers.child()),
        (forms.AddressForm, answers.ADDRESS),
        (forms.GuardianForm, answers.GUARDIAN),
        (forms.InsuranceForm, answers.INSURANCE),
        (forms.CurrentPhysicianForm, answers.CURRENT_PHYSICIAN),
        (forms.DiagnosisForm, answers.diagnosis()),
        (forms.SymptomsForm, answers.SYMPTOMS),
        (forms.ReasonsForm, answers.REASONS),
        (forms.ConsentForm, answers.CONSENT),
    ]
    for form_class, data in steps:
        assert errors_of(form_class, data) == {}, form_class.__name__


@pytest.mark.parametrize(
    "form_class, data, missing",
    [
        (forms.ChildForm, answers.child, "child_first_name"),
        (forms.ChildForm, answers.child, "child_birth_date"),
        (forms.AddressForm, lambda: answers.ADDRESS, "city"),
        (forms.GuardianForm, lambda: answers.GUARDIAN, "guardian_phone"),
        (forms.CurrentPhysicianForm, lambda: answers.CURRENT_PHYSICIAN, "current_physician_name"),
        (forms.DiagnosisForm, answers.diagnosis, "cancer_category"),
        (forms.SymptomsForm, lambda: answers.SYMPTOMS, "urgency"),
        (forms.ReasonsForm, lambda: answers.REASONS, "visit_preference"),
        (forms.ConsentForm, lambda: answers.CONSENT, "consent_signature"),
        (forms.PhysicianForm, lambda: answers.PHYSICIAN, "physician_attests_family_agreed"),
    ],
)
def test_a_missing_required_answer_is_refused_with_a_plain_message(form_class, data, missing):
    data = dict(data())
    data.pop(missing)
    errors = errors_of(form_class, data)
    assert errors[missing] == ["This answer is required."]


def test_an_invalid_email_is_refused():
    errors = errors_of(forms.GuardianForm, {**answers.GUARDIAN, "guardian_email": "maria.example.com"})
    assert "guardian_email" in errors


def test_a_us_phone_number_is_stored_in_e164():
    form = bind(forms.GuardianForm, {**answers.GUARDIAN, "guardian_phone": "(302) 555-0100"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["guardian_phone"].as_e164 == "+13025550100"


def test_an_international_phone_number_is_accepted():
    form = bind(forms.GuardianForm, {**answers.GUARDIAN, "guardian_phone": "+44 20 7946 0958"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["guardian_phone"].as_e164 == "+442079460958"


def test_an_impossible_phone_number_is_refused():
    errors = errors_of(forms.GuardianForm, {**answers.GUARDIAN, "guardian_phone": "12345"})
    assert "guardian_phone" in errors


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    errors = errors_of(forms.ChildForm, {**answers.child(), "child_birth_date": tomorrow})
    assert errors["child_birth_date"] == ["The date of birth cannot be in the future."]


def test_a_patient_older_than_the_age_limit_is_refused_with_an_explanation():
    thirty_years_ago = (timezone.localdate() - datetime.timedelta(days=365 * 30)).isoformat()
    errors = errors_of(forms.ChildForm, {**answers.child(), "child_birth_date": thirty_years_ago})
    assert "This center sees children and young adults up to age 25" in errors["child_birth_date"][0]


@override_settings(PATIENT_AGE_LIMIT_YEARS=18)
def test_the_age_limit_is_a_setting():
    twenty = (timezone.localdate() - datetime.timedelta(days=365 * 20 + 10)).isoformat()
    errors = errors_of(forms.ChildForm, {**answers.child(), "child_birth_date": twenty})
    assert "up to age 18" in errors["child_birth_date"][0]


def test_a_patient_exactly_at_the_age_limit_is_accepted():
    today = timezone.localdate()
    birthday_25 = today.replace(year=today.year - 25) if not (today.month == 2 and today.day == 29) else today
    assert errors_of(forms.ChildForm, {**answers.child(), "child_birth_date": birthday_25.isoformat()}) == {}


def test_a_diagnosis_date_in_the_future_is_refused():
    next_week = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    errors = errors_of(forms.DiagnosisForm, {**answers.diagnosis(), "diagnosis_date": next_week})
    assert errors["diagnosis_date"] == ["The date of diagnosis cannot be in the future."]


def test_a_diagnosis_before_birth_is_refused():
    errors = errors_of(
        forms.DiagnosisForm,
        {**answers.diagnosis(), "diagnosis_date": "2010-01-01"},
        child_birth_date=datetime.date(2015, 5, 1),
    )
    assert "before the child's date of birth" in errors["diagnosis_date"][0]


def test_an_invalid_us_zip_code_is_refused():
    errors = errors_of(forms.AddressForm, {**answers.ADDRESS, "postal_code": "1980"})
    assert "5-digit US ZIP code" in errors["postal_code"][0]


def test_an_unknown_us_state_is_refused():
    errors = errors_of(forms.AddressForm, {**answers.ADDRESS, "region": "Atlantis"})
    assert "Enter a US state" in errors["region"][0]


def test_a_us_state_name_is_stored_as_its_code():
    form = bind(forms.AddressForm, {**answers.ADDRESS, "region": "delaware", "postal_code": "19803-1234"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == "DE"


def test_state_and_zip_are_required_in_the_us():
    errors = errors_of(forms.AddressForm, {**answers.ADDRESS, "region": "", "postal_code": ""})
    assert set(errors) == {"region", "postal_code"}


def test_an_international_address_needs_no_us_state_or_zip():
    data = {**answers.ADDRESS, "country": "GB", "region": "", "postal_code": "SW1A 1AA", "city": "London"}
    assert errors_of(forms.AddressForm, data) == {}


def test_npi_check_digit_is_verified():
    assert npi_check_digit_is_valid("1234567893")
    assert not npi_check_digit_is_valid("1234567890")
    errors = errors_of(forms.PhysicianForm, {**answers.PHYSICIAN, "physician_npi": "1234567890"})
    assert "last digit does not match" in errors["physician_npi"][0]


def test_an_npi_must_have_ten_digits():
    errors = errors_of(forms.PhysicianForm, {**answers.PHYSICIAN, "physician_npi": "12345"})
    assert errors["physician_npi"] == ["An NPI number has exactly 10 digits."]


@pytest.mark.parametrize("coverage, required", list(forms.InsuranceForm.FIELDS_FOR_COVERAGE.items()))
def test_insurance_details_are_required_for_coverage_types_that_have_them(coverage, required):
    errors = errors_of(forms.InsuranceForm, {"coverage_type": coverage})
    assert set(errors) == set(required)


@pytest.mark.parametrize("coverage", ["self_pay", "none_unsure"])
def test_self_pay_and_uninsured_need_no_insurance_details(coverage):
    assert errors_of(forms.InsuranceForm, {"coverage_type": coverage}) == {}


def test_a_guardian_must_attest_legal_authority():
    data = {k: v for k, v in answers.GUARDIAN.items() if k != "guardian_attests_legal_authority"}
    assert "guardian_attests_legal_authority" in errors_of(forms.GuardianForm, data)


def test_a_physician_entering_guardian_contact_does_not_attest_for_the_guardian():
    data = {k: v for k, v in answers.GUARDIAN.items() if k != "guardian_attests_legal_authority"}
    assert errors_of(forms.GuardianForm, data, role=SubmitterRole.PHYSICIAN) == {}


def test_at_least_one_reason_is_required():
    errors = errors_of(forms.ReasonsForm, {**answers.REASONS, "reasons": []})
    assert "reasons" in errors


def test_another_reason_must_be_described():
    errors = errors_of(forms.ReasonsForm, {**answers.REASONS, "reasons": ["other"], "other_reason": ""})
    assert "other_reason" in errors


def test_lenient_mode_keeps_valid_answers_without_requiring_the_rest():
    form = forms.ChildForm(
        data={"child_first_name": "Ana", "child_birth_date": "not a date"},
        instance=SecondOpinionRequest(submitter_role=SubmitterRole.GUARDIAN),
        lenient=True,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"child_birth_date"}
    assert form.cleaned_data["child_first_name"] == "Ana"
