from ninja import Router, Schema

from .twofactor import has_two_factor

router = Router(tags=["users"])


class MeOut(Schema):
    id: int
    email: str
    name: str
    mobile: str
    two_factor: bool


@router.get("/me", response=MeOut, summary="The current user")
def me(request):
    user = request.user
    return MeOut(id=user.pk, email=user.email, name=user.name, mobile=user.mobile, two_factor=has_two_factor(user))
