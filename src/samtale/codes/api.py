from ninja import Router

from samtale.codes.selectors import all_code_lists

router = Router(tags=["Kodelister"])


@router.get("/codes", summary="Alle kodelister (SPEC.md § 3)")
def codes(request):
    return all_code_lists()
