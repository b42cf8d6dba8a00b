package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// maxBody is the largest request body accepted.
const maxBody = 64 << 10

// jsonBinder decodes request bodies strictly (unknown fields, wrong types and trailing data are
// errors naming the field) and then applies the validator rules carried from openapi.yaml.
type jsonBinder struct {
	validate *validator.Validate
}

func newJSONBinder() *jsonBinder {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	must(v.RegisterValidation("studentnumber", func(fl validator.FieldLevel) bool {
		return pairup.ValidStudentNumber(fl.Field().String())
	}))
	must(v.RegisterValidation("description", func(fl validator.FieldLevel) bool {
		_, err := pairup.NormalizeDescription(fl.Field().String())
		return err == nil
	}))
	// lab_id's Go type comes from the domain (x-go-type), so its rule is registered here.
	v.RegisterStructValidation(func(sl validator.StructLevel) {
		if sl.Current().FieldByName("LabId").Int() <= 0 {
			sl.ReportError(sl.Current().FieldByName("LabId").Interface(), "lab_id", "LabId", "labid", "")
		}
	}, oapigen.NewProject{}, oapigen.ProjectUpdate{})
	// The unit route's lab_id is optional (a team by invitation or ranking has no slot yet).
	v.RegisterStructValidation(func(sl validator.StructLevel) {
		if f := sl.Current().FieldByName("LabId"); !f.IsNil() && f.Elem().Int() <= 0 {
			sl.ReportError(f.Interface(), "lab_id", "LabId", "labid", "")
		}
	}, oapigen.NewUnitProject{}, oapigen.UnitProjectUpdate{})
	return &jsonBinder{validate: v}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Bind implements echo.Binder for JSON request bodies. The Content-Type is not insisted on:
// the 2019 client posts JSON with jQuery's form default.
func (b *jsonBinder) Bind(target any, c echo.Context) error {
	r := c.Request()
	if r.ContentLength > maxBody {
		return pairup.Errorf(pairup.ETOOLARGE, "the request body is over 64 KiB")
	}
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err)
		}
		return pairup.Errorf(pairup.EINVALID, "the request body must hold exactly one JSON object")
	}
	if !utf8.Valid(raw) {
		return pairup.Errorf(pairup.EINVALID, "the request body is not valid UTF-8")
	}
	if err := exactFieldNames(raw, target); err != nil {
		return err
	}
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(target); err != nil {
		return decodeError(err)
	}
	if err := b.validate.Struct(target); err != nil {
		return validationError(err)
	}
	return nil
}

// exactFieldNames refuses member names that match a field of target only when case is ignored,
// which encoding/json would accept: the contract knows each field by one exact name.
func exactFieldNames(raw json.RawMessage, target any) error {
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return nil // not an object: decoding into target says what is wrong
	}
	t := reflect.TypeOf(target)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	known := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(members)) {
		if name == "" {
			return pairup.FieldErrorf(pairup.EINVALID, "body", "has a member with an empty name")
		}
		if !known[name] {
			return pairup.FieldErrorf(pairup.EINVALID, name, "is not a known field")
		}
	}
	return nil
}

func decodeError(err error) error {
	var domain *pairup.Error
	if errors.As(err, &domain) {
		return domain // a type of ours that decodes itself (a merge patch) said what is wrong
	}
	var (
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooLarge):
		return pairup.Errorf(pairup.ETOOLARGE, "the request body is over 64 KiB")
	case errors.Is(err, io.EOF):
		return pairup.Errorf(pairup.EINVALID, "the request body is empty; send a JSON object")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return pairup.Errorf(pairup.EINVALID, "the request body is not valid JSON")
	case errors.As(err, &wrongType):
		if wrongType.Field == "" {
			return pairup.Errorf(pairup.EINVALID, "the request body must be a JSON object")
		}
		return pairup.FieldErrorf(pairup.EINVALID, wrongType.Field, "must be %s", jsonKind(wrongType.Type))
	case errors.Is(err, pairup.ErrLabID):
		return pairup.FieldErrorf(pairup.EINVALID, "lab_id", "%s", pairup.ErrLabID.Error())
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return pairup.FieldErrorf(pairup.EINVALID, strings.Trim(field, `"`), "is not a known field")
	}
	return pairup.Errorf(pairup.EINVALID, "the request body could not be read as JSON")
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "of another type"
}

var ruleMessages = map[string]string{
	"required":      "is required",
	"studentnumber": "must be an 8-digit student number",
	"description":   "must be 1 to 500 characters after trimming, with no control characters",
	"labid":         "must be a lab id: a positive integer or a string of digits",
	"unique":        "must not name a student twice",
	"max":           "must name at most 9 partners",
}

func validationError(err error) error {
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return pairup.Errorf(pairup.EINVALID, "the request body is invalid")
	}
	out := &pairup.Error{Code: pairup.EINVALID, Message: "the request body is invalid"}
	for _, fe := range ves {
		msg, ok := ruleMessages[fe.Tag()]
		if !ok {
			msg = "breaks the rule " + fe.Tag()
		}
		out.Fields = append(out.Fields, pairup.FieldError{Field: fe.Field(), Message: msg})
	}
	return out
}
