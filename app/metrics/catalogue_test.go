package metrics

import (
	"bytes"
	"os"
	"testing"
)

func TestCatalogueFilesAreGenerated(t *testing.T) {
	c := All()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	raw, err := c.JSON(Namespace)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]byte{"catalogue.json": raw, "../../docs/metrics.md": c.Markdown(Namespace)} {
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run make generate", path)
		}
	}
}

func TestValidateRejectsIDsAndDuplicates(t *testing.T) {
	bad := All()
	bad = append(bad, bad[0])
	if bad.Validate() == nil {
		t.Error("duplicate accepted")
	}
	id := All()
	id[0].Dimensions = append(id[0].Dimensions, "correlation_id")
	if id.Validate() == nil {
		t.Error("id dimension accepted")
	}
}
